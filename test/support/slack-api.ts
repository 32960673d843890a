/*
 * Stand-in for Slack's Web API with a bot token (fixtures/slack, "Web API with a bot token"), as
 * strict as the real one: HTTP 200 with `{ok: false, error}` for refusals — not_authed /
 * invalid_auth without the right bearer token, channel_not_found, not_in_channel, thread_not_found
 * (a reply to an unknown ts), message_not_found, invalid_blocks and msg_too_long (slack-limits.ts),
 * no_text, invalid_metadata_format, expired_trigger_id / invalid_trigger_id — and HTTP 429 with
 * Retry-After when told to. Write methods take JSON or a form; read methods (conversations.*) take
 * a form or a query only, as Slack's do. It records every message per channel and thread, with its
 * metadata (returned by history/replies only with include_all_metadata) and its edits, every
 * opened view, and every POST to a `response_url` it issued. A `response_url` is as strict as
 * Slack's (fixtures/slack: "valid 30 minutes, up to 5 uses"): a sixth use answers 404 `used_url`,
 * a use after 30 minutes 404 `expired_url`, a body Slack would not show 400 (`no_text`,
 * `invalid_blocks`, `msg_too_long`, `invalid_payload`); refused uses are kept apart and do not count.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { blocksProblem, MAX_TEXT } from './slack-limits.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  text: string;
  blocks: readonly Obj[];
  metadata?: { event_type: string; event_payload: Obj };
  /** Every chat.update applied to it, oldest first. */
  readonly edits: { text: string; blocks: readonly Obj[] }[];
}

export interface ApiCall {
  readonly method: string;
  readonly args: Obj;
  /** 200 unless scripted or refused at the HTTP level; 0 while unanswered. */
  status: number;
  /** `error` of an `ok:false` answer. */
  error?: string;
  readonly at: number;
}

export interface ChannelSpec {
  readonly id: string;
  readonly name: string;
  /** Whether the bot was invited (default true): without it posting answers not_in_channel. */
  readonly member?: boolean;
}

export interface SlackApiStandIn {
  /** Base URL to give as `slack.api_url` (…/api). */
  readonly url: string;
  readonly token: string;
  readonly calls: readonly ApiCall[];
  /** Top-level messages of a channel, oldest first. */
  topMessages(channel: string): StoredMessage[];
  /** Replies in a thread, oldest first (not the parent). */
  replies(channel: string, ts: string): StoredMessage[];
  readonly views: readonly { triggerId: string; view: Obj }[];
  /** Accepted POSTs to issued response_urls, oldest first. */
  readonly responses: readonly { url: string; body: Obj }[];
  /** Refused POSTs to response_urls, with Slack's error. */
  readonly refusedResponses: readonly { url: string; status: number; error: string }[];
  /** A fresh trigger_id, valid for 3 s as Slack's are. */
  trigger(): string;
  /** A fresh response_url. */
  responseUrl(): string;
  /** The next `n` calls of `method` get HTTP 429 with `Retry-After: retryAfterSec` and do nothing. */
  rateLimitNext(method: string, n: number, retryAfterSec: number): void;
  /** The next `n` calls of `method` get this answer and do nothing (e.g. 500, or {ok:false,error}). */
  failNext(method: string, n: number, status: number, body: Obj): void;
  /** The next `n` calls of `method` are applied and never answered (a lost reply). */
  hangNext(method: string, n: number): void;
  close(): Promise<void>;
}

const WRITE = new Set(['chat.postMessage', 'chat.update', 'views.open']);
const TRIGGER_LIFETIME_MS = 3000;
/** A response_url: "valid 30 minutes, up to 5 uses" (fixtures/slack/slash-command-fields.md). */
const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;

/** Why Slack refuses a response_url body (status, error), or undefined when it shows it. */
function responseProblem(raw: string): [number, string] | undefined {
  let body: unknown;
  try { body = JSON.parse(raw); } catch { return [400, 'invalid_payload']; }
  if (!isObj(body)) return [400, 'invalid_payload'];
  if (body.response_type !== undefined && body.response_type !== 'ephemeral' && body.response_type !== 'in_channel') return [400, 'invalid_payload'];
  if (body.delete_original === true) return undefined;
  const problem = textProblem(body);
  return problem ? [400, problem === 'invalid_arguments' ? 'invalid_payload' : problem] : undefined;
}

function textProblem(args: Obj): string | undefined {
  const { text, blocks } = args;
  if (text !== undefined && typeof text !== 'string') return 'invalid_arguments';
  if (typeof text === 'string' && text.length > MAX_TEXT) return 'msg_too_long';
  if (blocks !== undefined && blocksProblem(blocks)) return 'invalid_blocks';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (!(typeof text === 'string' && text.trim() !== '') && !hasBlocks) return 'no_text';
  return undefined;
}

function metadataProblem(m: unknown): string | undefined {
  if (m === undefined) return undefined;
  if (!isObj(m) || typeof m.event_type !== 'string' || !/^[a-zA-Z0-9_]{1,255}$/.test(m.event_type) || !isObj(m.event_payload)) return 'invalid_metadata_format';
  return undefined;
}

/** A modal as views.open takes it: title/submit up to 24 characters, input blocks, 100 blocks at most. */
function viewProblem(v: unknown): string | undefined {
  if (!isObj(v) || v.type !== 'modal') return 'view type must be modal';
  const plain = (t: unknown, max: number) => isObj(t) && t.type === 'plain_text' && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;
  if (!plain(v.title, 24)) return 'title: plain_text of 1 to 24 characters';
  if (v.submit !== undefined && !plain(v.submit, 24)) return 'submit: plain_text of 1 to 24 characters';
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000) return 'private_metadata over 3000 characters';
  if (!Array.isArray(v.blocks) || v.blocks.length > 100) return 'blocks: up to 100';
  const others: unknown[] = [];
  for (const b of v.blocks) {
    if (!isObj(b) || b.type !== 'input') { others.push(b); continue; }
    if (!plain(b.label, 2000)) return 'input label: plain_text up to 2000 characters';
    const e = b.element;
    if (!isObj(e) || typeof e.action_id !== 'string') return 'input element needs an action_id';
    if (e.type === 'static_select') {
      if (!Array.isArray(e.options) || e.options.length === 0 || e.options.length > 100) return 'static_select options: 1 to 100';
    } else if (e.type !== 'plain_text_input') return `input element type ${String(e.type)}`;
  }
  return others.length ? blocksProblem(others) : undefined;
}

export async function startSlackApi(opts: { token?: string; channels?: readonly ChannelSpec[]; now?: () => number } = {}): Promise<SlackApiStandIn> {
  /** The clock of response_url lifetimes (a test moves it past 30 minutes). */
  const now = opts.now ?? Date.now;
  const token = opts.token ?? `xoxb-${crypto.randomBytes(10).toString('hex')}`;
  const channels = new Map((opts.channels ?? [{ id: 'C0INCIDENT', name: 'incidents' }]).map((c) => [c.id, { ...c, member: c.member ?? true }]));
  const messages: StoredMessage[] = [];
  const calls: ApiCall[] = [];
  const views: { triggerId: string; view: Obj }[] = [];
  const responses: { url: string; body: Obj }[] = [];
  const refusedResponses: { url: string; status: number; error: string }[] = [];
  const triggers = new Map<string, number>();
  const responsePaths = new Map<string, { issued: number; uses: number }>();
  const scripted = new Map<string, { kind: '429' | 'fail' | 'hang'; status: number; body: Obj; retryAfter?: number }[]>();
  const hung = new Set<http.ServerResponse>();
  let seq = 0;
  let origin = '';

  const script = (method: string, n: number, s: { kind: '429' | 'fail' | 'hang'; status: number; body: Obj; retryAfter?: number }) => {
    const list = scripted.get(method) ?? [];
    for (let i = 0; i < n; i++) list.push(s);
    scripted.set(method, list);
  };
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const channelOf = (c: unknown) => (typeof c === 'string' ? channels.get(c) ?? [...channels.values()].find((x) => `#${x.name}` === c) : undefined);
  const find = (channel: string, ts: unknown) => messages.find((m) => m.channel === channel && m.ts === ts);
  const withMeta = (m: StoredMessage, include: boolean): Obj => ({
    type: 'message', ts: m.ts, text: m.text, blocks: m.blocks, bot_id: 'B0STATUSGRAPH',
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(include && m.metadata ? { metadata: m.metadata } : {}),
  });
  const paged = (list: StoredMessage[], args: Obj): Obj => {
    const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
    const start = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString()) : 0;
    const include = args.include_all_metadata === true || args.include_all_metadata === 'true' || args.include_all_metadata === '1';
    const slice = list.slice(start, start + limit).map((m) => withMeta(m, include));
    const more = start + limit < list.length;
    return { ok: true, messages: slice, has_more: more, response_metadata: { next_cursor: more ? Buffer.from(String(start + limit)).toString('base64') : '' } };
  };

  /** The API's answer to one authorised call: the JSON body. */
  const methods: Record<string, (a: Obj) => Obj> = {
    'chat.postMessage'(a) {
      const ch = channelOf(a.channel);
      if (!ch) return { ok: false, error: 'channel_not_found' };
      if (!ch.member) return { ok: false, error: 'not_in_channel' };
      const problem = textProblem(a) ?? metadataProblem(a.metadata);
      if (problem) return { ok: false, error: problem };
      if (a.thread_ts !== undefined) {
        const parent = find(ch.id, a.thread_ts);
        if (!parent || parent.threadTs) return { ok: false, error: 'thread_not_found' };
      }
      const m: StoredMessage = {
        channel: ch.id, ts: nextTs(), text: (a.text as string | undefined) ?? '', blocks: (a.blocks as Obj[] | undefined) ?? [], edits: [],
        ...(a.thread_ts !== undefined ? { threadTs: String(a.thread_ts) } : {}),
        ...(a.metadata ? { metadata: a.metadata as StoredMessage['metadata'] } : {}),
      };
      messages.push(m);
      return { ok: true, channel: ch.id, ts: m.ts, message: withMeta(m, true) };
    },
    'chat.update'(a) {
      const ch = channelOf(a.channel);
      if (!ch) return { ok: false, error: 'channel_not_found' };
      const m = find(ch.id, a.ts);
      if (!m) return { ok: false, error: 'message_not_found' };
      const problem = textProblem(a) ?? metadataProblem(a.metadata);
      if (problem) return { ok: false, error: problem };
      m.text = (a.text as string | undefined) ?? '';
      m.blocks = (a.blocks as Obj[] | undefined) ?? [];
      if (a.metadata) m.metadata = a.metadata as StoredMessage['metadata'];
      m.edits.push({ text: m.text, blocks: m.blocks });
      return { ok: true, channel: ch.id, ts: m.ts, text: m.text };
    },
    'conversations.history'(a) {
      const ch = channelOf(a.channel);
      if (!ch || ch.id !== a.channel) return { ok: false, error: 'channel_not_found' };
      if (!ch.member) return { ok: false, error: 'not_in_channel' };
      const oldest = a.oldest === undefined ? 0 : Number(a.oldest);
      const top = messages.filter((m) => m.channel === ch.id && !m.threadTs && Number(m.ts) >= oldest).reverse();
      return paged(top, a);
    },
    'conversations.replies'(a) {
      const ch = channelOf(a.channel);
      if (!ch || ch.id !== a.channel) return { ok: false, error: 'channel_not_found' };
      const parent = find(ch.id, a.ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      return paged([parent, ...messages.filter((m) => m.channel === ch.id && m.threadTs === parent.ts)], a);
    },
    'chat.getPermalink'(a) {
      const ch = channelOf(a.channel);
      if (!ch || ch.id !== a.channel) return { ok: false, error: 'channel_not_found' };
      const m = find(ch.id, a.message_ts);
      if (!m) return { ok: false, error: 'message_not_found' };
      const thread = m.threadTs ? `?thread_ts=${m.threadTs}&cid=${ch.id}` : '';
      return { ok: true, channel: ch.id, permalink: `https://statusgraph-test.slack.com/archives/${ch.id}/p${m.ts.replace('.', '')}${thread}` };
    },
    'views.open'(a) {
      const issued = triggers.get(String(a.trigger_id));
      if (issued === undefined) return { ok: false, error: 'invalid_trigger_id' };
      if (Date.now() - issued > TRIGGER_LIFETIME_MS) return { ok: false, error: 'expired_trigger_id' };
      const problem = viewProblem(a.view);
      if (problem) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } };
      triggers.delete(String(a.trigger_id));
      views.push({ triggerId: String(a.trigger_id), view: a.view as Obj });
      return { ok: true, view: { id: `V${seq++}`, ...(a.view as Obj) } };
    },
  };

  const parseArgs = (req: http.IncomingMessage, raw: string, method: string): Obj | string => {
    const type = req.headers['content-type'] ?? '';
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
    if (/^application\/json\b/i.test(type)) {
      if (!WRITE.has(method)) return 'invalid_arguments';
      try {
        const j = JSON.parse(raw) as unknown;
        return isObj(j) ? { ...query, ...j } : 'invalid_json';
      } catch { return 'invalid_json'; }
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    // Block Kit and metadata arrive as JSON strings inside a form.
    for (const k of ['blocks', 'metadata', 'view']) {
      if (typeof form[k] === 'string') { try { (form as Obj)[k] = JSON.parse(form[k]!); } catch { return 'invalid_arguments'; } }
    }
    return { ...query, ...form };
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const json = (status: number, body: Obj, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
    };
    const issued = responsePaths.get(path);
    if (issued) {
      const refuse = (status: number, error: string) => {
        refusedResponses.push({ url: origin + path, status, error });
        return json(status, { ok: false, error });
      };
      if (req.method !== 'POST') return refuse(405, 'method_not_allowed');
      if (now() - issued.issued > RESPONSE_URL_LIFETIME_MS) return refuse(404, 'expired_url');
      if (issued.uses >= RESPONSE_URL_USES) return refuse(404, 'used_url');
      const problem = responseProblem(raw);
      if (problem) return refuse(...problem);
      issued.uses++;
      responses.push({ url: origin + path, body: JSON.parse(raw) as Obj });
      return json(200, { ok: true });
    }
    const method = path.startsWith('/api/') ? path.slice(5) : '';
    const call: ApiCall = { method, args: {}, status: 0, at: Date.now() };
    calls.push(call);
    const answer = (status: number, body: Obj, headers: Record<string, string> = {}) => {
      call.status = status;
      if (body.ok === false) call.error = String(body.error);
      json(status, body, headers);
    };
    if (req.method !== 'POST' && req.method !== 'GET') return answer(405, { ok: false, error: 'method_not_allowed' });
    const fn = methods[method];
    if (!fn) return answer(404, { ok: false, error: 'unknown_method' });
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth) return answer(200, { ok: false, error: 'not_authed' });
    const given = crypto.createHash('sha256').update(auth[1]!).digest();
    if (!crypto.timingSafeEqual(given, crypto.createHash('sha256').update(token).digest())) return answer(200, { ok: false, error: 'invalid_auth' });
    const args = parseArgs(req, raw, method);
    if (typeof args === 'string') return answer(200, { ok: false, error: args });
    Object.assign(call.args, args);
    const s = scripted.get(method)?.shift();
    if (s?.kind === '429') return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(s.retryAfter) });
    if (s?.kind === 'fail') return answer(s.status, s.body);
    const body = fn(args);
    if (s?.kind === 'hang') {
      if (body.ok === false) call.error = String(body.error);
      hung.add(res);
      return;
    }
    answer(200, body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('slack api stand-in has no port');
  origin = `http://127.0.0.1:${addr.port}`;

  return {
    url: `${origin}/api`,
    token,
    calls,
    topMessages: (channel) => messages.filter((m) => m.channel === channel && !m.threadTs),
    replies: (channel, ts) => messages.filter((m) => m.channel === channel && m.threadTs === ts),
    views,
    responses,
    refusedResponses,
    trigger() {
      const id = `${Date.now()}.${crypto.randomBytes(6).toString('hex')}`;
      triggers.set(id, Date.now());
      return id;
    },
    responseUrl() {
      const path = `/commands/T0001/${crypto.randomBytes(4).toString('hex')}/${crypto.randomBytes(12).toString('hex')}`;
      responsePaths.set(path, { issued: now(), uses: 0 });
      return origin + path;
    },
    rateLimitNext: (method, n, retryAfter) => script(method, n, { kind: '429', status: 429, body: {}, retryAfter }),
    failNext: (method, n, status, body) => script(method, n, { kind: 'fail', status, body }),
    hangNext: (method, n) => script(method, n, { kind: 'hang', status: 0, body: {} }),
    close: () => new Promise<void>((resolve) => {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
