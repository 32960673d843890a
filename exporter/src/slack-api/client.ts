/*
 * The slice of Slack's Web API statusgraph uses, with a bot token (fixtures/slack,
 * "Web API with a bot token"): chat.postMessage, chat.update, conversations.history/replies (to
 * find a message whose answer was lost), views.open (the "Post update" modal), chat.getPermalink
 * (a thread's link for a slash command's follow-up), and POSTs to a
 * `response_url`. Slack answers HTTP 200 with `{ok: false, error}` for most refusals; each becomes
 * a SlackApiError that says whether trying again can help. Errors never carry the token.
 */
import { Agent, request } from 'undici';
import { retryAfterMs } from '../incidents/retry-after.js';

export const SLACK_API_URL = 'https://slack.com/api';

/**
 * `ok:false` codes that a later attempt can get past (Slack's "try again" family). Every other
 * code (channel_not_found, not_in_channel, invalid_auth, invalid_blocks, msg_too_long, ...) is
 * repeated for the same request, so it is permanent.
 */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export class SlackApiError extends Error {
  constructor(
    message: string,
    /** Slack's `error` code, or `http_<status>` / `network`. */
    readonly code: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface SlackMessage {
  readonly ts: string;
  readonly text?: string;
  readonly thread_ts?: string;
  readonly metadata?: { readonly event_type: string; readonly event_payload: Record<string, unknown> };
}

export interface PostArgs {
  readonly channel: string;
  readonly text: string;
  readonly blocks?: readonly unknown[];
  readonly thread_ts?: string;
  readonly metadata?: { readonly event_type: string; readonly event_payload: Record<string, unknown> };
}

export interface Page { readonly messages: readonly SlackMessage[]; readonly nextCursor?: string }

export interface SlackApi {
  postMessage(args: PostArgs): Promise<{ ts: string }>;
  update(args: Omit<PostArgs, 'thread_ts'> & { readonly ts: string }): Promise<void>;
  /** One page of a channel's top-level messages, newest first, with their metadata. */
  history(args: { channel: string; oldest?: string; cursor?: string; limit?: number }): Promise<Page>;
  /** One page of a thread (the parent first), with metadata. */
  replies(args: { channel: string; ts: string; cursor?: string; limit?: number }): Promise<Page>;
  openView(triggerId: string, view: unknown): Promise<void>;
  /** The address of a message (chat.getPermalink), to link an incident's thread from elsewhere. */
  permalink(channel: string, ts: string): Promise<string>;
  /** Answers a slash command or an interaction later through its `response_url` (no token). */
  respond(responseUrl: string, body: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface SlackApiOptions {
  readonly token: string;
  readonly baseUrl?: string;
  /** Per-request deadline; past it the outcome is unknown (the request may have landed). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export function createSlackApi(opts: SlackApiOptions): SlackApi {
  const base = (opts.baseUrl ?? SLACK_API_URL).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = opts.now ?? Date.now;
  const agent = new Agent({ connections: 4, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

  const send = async (what: string, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string; retryAfter?: string }> => {
    try {
      const res = await request(url, { method: 'POST', headers: { 'user-agent': 'statusgraph', ...headers }, body, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.body.text();
      const ra = res.headers['retry-after'];
      return { status: res.statusCode, text, ...(ra !== undefined ? { retryAfter: Array.isArray(ra) ? ra[0]! : ra } : {}) };
    } catch (e) {
      const n = (e as Error).name;
      const why = n === 'TimeoutError' || n === 'AbortError' ? `timed out after ${timeoutMs} ms` : (e as Error).message;
      throw new SlackApiError(`${what}: ${why}`, 'network', true);
    }
  };

  const httpError = (what: string, r: { status: number; text: string; retryAfter?: string }): SlackApiError | undefined => {
    if (r.status === 429) {
      const after = retryAfterMs(r.retryAfter, now());
      return new SlackApiError(`${what}: rate limited (429)`, 'ratelimited', true, after);
    }
    if (r.status < 200 || r.status > 299) {
      return new SlackApiError(`${what}: HTTP ${r.status} ${r.text.slice(0, 200)}`.trim(), `http_${r.status}`, r.status >= 500 || r.status === 408);
    }
    return undefined;
  };

  /** Write methods take JSON; read methods take a form (Slack refuses JSON bodies for several of them). */
  const call = async (method: string, args: Record<string, unknown>, as: 'json' | 'form'): Promise<Record<string, unknown>> => {
    const body = as === 'json'
      ? JSON.stringify(args)
      : new URLSearchParams(Object.entries(args).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const r = await send(method, `${base}/${method}`, {
      authorization: `Bearer ${opts.token}`,
      'content-type': as === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
    }, body);
    const bad = httpError(method, r);
    if (bad) throw bad;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(r.text) as Record<string, unknown>;
    } catch {
      throw new SlackApiError(`${method}: answer is not JSON`, 'bad_answer', true);
    }
    if (parsed.ok !== true) {
      const code = typeof parsed.error === 'string' ? parsed.error : 'unknown_error';
      throw new SlackApiError(`${method}: ${code}`, code, TRANSIENT.has(code), code === 'ratelimited' ? retryAfterMs(r.retryAfter, now()) : undefined);
    }
    return parsed;
  };

  const page = (r: Record<string, unknown>): Page => {
    const next = (r.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
    return { messages: (r.messages as SlackMessage[] | undefined) ?? [], ...(next ? { nextCursor: next } : {}) };
  };

  return {
    async postMessage(args) {
      const r = await call('chat.postMessage', { ...args, unfurl_links: false }, 'json');
      return { ts: String(r.ts) };
    },
    async update(args) {
      await call('chat.update', args, 'json');
    },
    async history({ channel, oldest, cursor, limit = 200 }) {
      return page(await call('conversations.history', { channel, oldest, cursor, limit, include_all_metadata: true }, 'form'));
    },
    async replies({ channel, ts, cursor, limit = 200 }) {
      return page(await call('conversations.replies', { channel, ts, cursor, limit, include_all_metadata: true }, 'form'));
    },
    async openView(triggerId, view) {
      await call('views.open', { trigger_id: triggerId, view }, 'json');
    },
    async permalink(channel, ts) {
      const r = await call('chat.getPermalink', { channel, message_ts: ts }, 'form');
      if (typeof r.permalink !== 'string') throw new SlackApiError('chat.getPermalink: no permalink in the answer', 'bad_answer', true);
      return r.permalink;
    },
    async respond(responseUrl, body) {
      const r = await send('response_url', responseUrl, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
      const bad = httpError('response_url', r);
      if (bad) throw bad;
    },
    close: () => agent.close(),
  };
}
