import http from 'node:http';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { webhookRefusal } from './slack-limits.js';

/**
 * Stand-in for Slack incoming webhooks (fixtures/slack/slash-command-fields.md, "Incoming
 * webhooks" and "Where a message lands"). Like a Slack app's webhooks, each URL is bound to one
 * channel when it is installed, and the channel a message lands in is that URL's: the payload's
 * `channel`, `username` and `icon_*` are ignored (recorded in `ignored`, so a test can see they
 * were sent for nothing). It answers 200 "ok", or what Slack answers: 404 no_service for a URL
 * nobody installed, 400 invalid_payload / no_text / invalid_blocks / msg_too_long /
 * too_many_attachments (slack-limits.ts), and 429 with Retry-After when rate-limited.
 */

export interface SlackPayload {
  readonly text?: string;
  readonly blocks?: readonly Record<string, unknown>[];
  readonly attachments?: readonly Record<string, unknown>[];
  readonly [key: string]: unknown;
}

export interface SlackMessage {
  readonly path: string;
  readonly receivedAt: number;
  readonly body: SlackPayload;
  /** The channel the webhook URL it came through was installed for. */
  readonly channel: string;
  /** Payload fields an app webhook ignores (channel, username, icon_emoji, icon_url), as sent. */
  readonly ignored: Readonly<Record<string, unknown>>;
  /** Everything a reader would see, flattened: text, block texts, attachment titles and texts. */
  readonly text: string;
}

export interface Rejected {
  readonly path: string;
  readonly status: number;
  readonly reason: string;
  readonly raw: string;
}

export interface SlackWebhookOptions {
  /** Channels to install a webhook for at start (default ['#general']); `url` is the first one's. */
  readonly channels?: readonly string[];
  /** Answer 429 (Retry-After: 1) to a message that comes less than this many ms after the last one accepted on the same webhook. */
  readonly minIntervalMs?: number;
}

export interface SlackWebhook {
  /** Webhook URL of the first channel installed at start. */
  readonly url: string;
  /** Webhook URL of a channel installed at start (or with install()). */
  webhook(channel: string): string;
  /** Installs a new webhook bound to `channel` and returns its URL. */
  install(channel: string): string;
  readonly messages: readonly SlackMessage[];
  readonly rejected: readonly Rejected[];
  /** Messages that landed in one channel, in order. */
  inChannel(channel: string): SlackMessage[];
  /** Resolves with the first recorded message (past or future) that matches. */
  waitFor(what: string, match: (m: SlackMessage) => boolean, timeoutMs?: number): Promise<SlackMessage>;
  /** The next `count` requests get this answer instead (e.g. 429 with Retry-After, 404 no_service). */
  failNext(count: number, status: number, body: string, headers?: Record<string, string>): void;
  stop(): Promise<void>;
}

const IGNORED = ['channel', 'username', 'icon_emoji', 'icon_url'] as const;

function flatten(p: SlackPayload): string {
  const parts: string[] = [];
  if (p.text) parts.push(p.text);
  collectText(p.blocks ?? [], parts);
  for (const a of p.attachments ?? []) {
    for (const k of ['pretext', 'title', 'text', 'fallback'] as const) {
      const v = a[k];
      if (typeof v === 'string' && v !== '') parts.push(v);
    }
    collectText(a.blocks ?? [], parts);
  }
  return parts.join('\n');
}

function collectText(node: unknown, out: string[]): void {
  if (Array.isArray(node)) { for (const n of node) collectText(n, out); return; }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.text === 'string') out.push(obj.text);
  for (const [k, v] of Object.entries(obj)) if (k !== 'text' || typeof v !== 'string') collectText(v, out);
}

export async function startSlackWebhook(opts: SlackWebhookOptions = {}): Promise<SlackWebhook> {
  const messages: SlackMessage[] = [];
  const rejected: Rejected[] = [];
  const events = new EventEmitter();
  const scripted: { status: number; body: string; headers: Record<string, string> }[] = [];
  /** Installed webhook path -> its channel. */
  const hooks = new Map<string, string>();
  const lastAccepted = new Map<string, number>();

  const answer = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
  };
  const reject = (res: http.ServerResponse, path: string, status: number, reason: string, raw: string, headers: Record<string, string> = {}): void => {
    rejected.push({ path, status, reason, raw });
    answer(res, status, reason, headers);
  };

  const receive = (req: http.IncomingMessage, res: http.ServerResponse, raw: string): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const next = scripted.shift();
    if (next) return reject(res, path, next.status, next.body, raw, next.headers);
    const channel = hooks.get(path);
    if (channel === undefined) return reject(res, path, 404, 'no_service', raw);
    if (req.method !== 'POST') return reject(res, path, 405, 'invalid_method', raw);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return reject(res, path, 400, 'invalid_payload', raw);
    let json: unknown;
    try { json = JSON.parse(raw); } catch { return reject(res, path, 400, 'invalid_payload', raw); }
    const refusal = webhookRefusal(json);
    if (refusal) return reject(res, path, refusal.status, refusal.reason, raw);
    const now = Date.now();
    const last = lastAccepted.get(path);
    if (opts.minIntervalMs !== undefined && last !== undefined && now - last < opts.minIntervalMs) {
      return reject(res, path, 429, 'rate_limited', raw, { 'retry-after': '1' });
    }
    lastAccepted.set(path, now);
    const body = json as SlackPayload;
    const ignored = Object.fromEntries(IGNORED.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
    const msg: SlackMessage = { path, receivedAt: now, body, channel, ignored, text: flatten(body) };
    messages.push(msg);
    answer(res, 200, 'ok');
    events.emit('message', msg);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => receive(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('slack stand-in has no port');
  const origin = `http://127.0.0.1:${addr.port}`;

  const install = (channel: string): string => {
    // Like Slack's: /services/<team>/<bot>/<secret>, unguessable, one per installation.
    const path = `/services/T000/B${crypto.randomBytes(4).toString('hex').toUpperCase()}/${crypto.randomBytes(12).toString('hex')}`;
    hooks.set(path, channel);
    return origin + path;
  };
  const urls = new Map<string, string>();
  for (const channel of opts.channels ?? ['#general']) urls.set(channel, install(channel));

  return {
    url: urls.values().next().value!,
    webhook(channel) {
      const url = urls.get(channel);
      if (!url) throw new Error(`no webhook installed for ${channel}`);
      return url;
    },
    install(channel) {
      const url = install(channel);
      if (!urls.has(channel)) urls.set(channel, url);
      return url;
    },
    messages,
    rejected,
    inChannel: (channel) => messages.filter((m) => m.channel === channel),
    waitFor(what, match, timeoutMs = 60_000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, rejectWait) => {
        const onMessage = (m: SlackMessage): void => {
          if (!match(m)) return;
          clearTimeout(timer);
          events.off('message', onMessage);
          resolve(m);
        };
        const timer = setTimeout(() => {
          events.off('message', onMessage);
          rejectWait(new Error(`no Slack message ${what} after ${timeoutMs} ms; got ${messages.length}: ${JSON.stringify(messages.map((m) => [m.channel, m.text]))}`));
        }, timeoutMs);
        events.on('message', onMessage);
      });
    },
    failNext(count, status, body, headers = {}) {
      for (let i = 0; i < count; i++) scripted.push({ status, body, headers });
    },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
