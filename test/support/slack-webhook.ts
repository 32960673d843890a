import http from 'node:http';
import { EventEmitter } from 'node:events';
import { z } from 'zod';

/**
 * Stand-in for a Slack incoming webhook (fixtures/slack/slash-command-fields.md, "Incoming
 * webhooks"): records every POST, answers 200 "ok" to a JSON body with `text` and/or `blocks`
 * (Alertmanager's slack_configs send `attachments`, also accepted), and 400 "invalid_payload" to
 * anything else. It can also rate-limit like Slack (429 with Retry-After).
 */

const block = z.object({ type: z.string().min(1) }).loose();
const attachment = z.object({}).loose();
const payload = z
  .object({
    text: z.string().optional(),
    blocks: z.array(block).optional(),
    attachments: z.array(attachment).optional(),
    channel: z.string().optional(),
    username: z.string().optional(),
  })
  .loose()
  .refine((p) => (p.text !== undefined && p.text.trim() !== '') || (p.blocks?.length ?? 0) > 0 || (p.attachments?.length ?? 0) > 0, {
    message: 'needs text, blocks or attachments',
  });

export type SlackPayload = z.infer<typeof payload>;

export interface SlackMessage {
  readonly path: string;
  readonly receivedAt: number;
  readonly body: SlackPayload;
  readonly channel?: string;
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
  /** Answer 429 (Retry-After: 1) to a message that comes less than this many ms after the last accepted one. */
  readonly minIntervalMs?: number;
}

export interface SlackWebhook {
  /** URL of the webhook; any path under it is accepted and recorded with its path. */
  readonly url: string;
  readonly messages: readonly SlackMessage[];
  readonly rejected: readonly Rejected[];
  /** Resolves with the first recorded message (past or future) that matches. */
  waitFor(what: string, match: (m: SlackMessage) => boolean, timeoutMs?: number): Promise<SlackMessage>;
  /** The next `count` requests get this answer instead (e.g. 429 with Retry-After, 404 no_service). */
  failNext(count: number, status: number, body: string, headers?: Record<string, string>): void;
  stop(): Promise<void>;
}

function flatten(p: SlackPayload): string {
  const parts: string[] = [];
  if (p.text) parts.push(p.text);
  for (const b of p.blocks ?? []) collectText(b, parts);
  for (const a of p.attachments ?? []) {
    for (const k of ['pretext', 'title', 'text', 'fallback'] as const) {
      const v = (a as Record<string, unknown>)[k];
      if (typeof v === 'string' && v !== '') parts.push(v);
    }
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
  let lastAccepted = 0;

  const reject = (res: http.ServerResponse, path: string, status: number, reason: string, raw: string): void => {
    rejected.push({ path, status, reason, raw });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const next = scripted.shift();
      if (next) {
        rejected.push({ path, status: next.status, reason: next.body, raw });
        res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers }).end(next.body);
        return;
      }
      if (req.method !== 'POST') return reject(res, path, 405, 'invalid_method', raw);
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return reject(res, path, 400, 'invalid_payload', raw);
      let json: unknown;
      try { json = JSON.parse(raw); } catch { return reject(res, path, 400, 'invalid_payload', raw); }
      const parsed = payload.safeParse(json);
      if (!parsed.success) return reject(res, path, 400, 'invalid_payload', raw);
      const now = Date.now();
      if (opts.minIntervalMs !== undefined && lastAccepted !== 0 && now - lastAccepted < opts.minIntervalMs) {
        rejected.push({ path, status: 429, reason: 'rate_limited', raw });
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('rate_limited');
        return;
      }
      lastAccepted = now;
      const msg: SlackMessage = { path, receivedAt: now, body: parsed.data, channel: parsed.data.channel, text: flatten(parsed.data) };
      messages.push(msg);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      events.emit('message', msg);
    });
  });
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('slack stand-in has no port');

  return {
    url: `http://127.0.0.1:${addr.port}/services/T000/B000/stand-in`,
    messages,
    rejected,
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
          rejectWait(new Error(`no Slack message ${what} after ${timeoutMs} ms; got ${messages.length}: ${JSON.stringify(messages.map((m) => m.text))}`));
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
