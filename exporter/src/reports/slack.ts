import { request, type Dispatcher } from 'undici';

/**
 * Posts a report to a Slack incoming webhook as a `markdown` block (Slack renders standard
 * markdown there, tables included), with the first line as the notification text. Slack allows
 * 12,000 characters of markdown per message: longer reports go out as several messages, split at
 * line breaks. The webhook URL is a secret: it never appears in errors.
 */

export const SLACK_MARKDOWN_LIMIT = 12_000;
const MAX_ATTEMPTS = 5;

export interface PostOptions {
  readonly dispatcher?: Dispatcher;
  /** Waits between attempts; injectable so tests need not sleep for real. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class SlackPostError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'SlackPostError';
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is seconds or an HTTP date; missing or unreadable means one second. */
export function retryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 300) * 1000;
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.min(Math.max(0, date - nowMs), 300_000);
  return 1000;
}

/** Splits markdown at line breaks into pieces of at most `limit` characters. */
export function splitMarkdown(markdown: string, limit = SLACK_MARKDOWN_LIMIT): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const line of markdown.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= limit) { current = candidate; continue; }
    if (current !== '') pieces.push(current);
    // A single line longer than the limit is cut, not dropped.
    let rest = line;
    while (rest.length > limit) { pieces.push(rest.slice(0, limit)); rest = rest.slice(limit); }
    current = rest;
  }
  if (current.trim() !== '') pieces.push(current);
  return pieces;
}

function redactedTarget(webhookUrl: string): string {
  try {
    return new URL(webhookUrl).origin;
  } catch {
    throw new SlackPostError('invalid Slack webhook URL');
  }
}

async function postOne(webhookUrl: string, body: string, signal: AbortSignal | undefined, opts: PostOptions): Promise<void> {
  const sleep = opts.sleep ?? abortableSleep;
  const target = redactedTarget(webhookUrl);
  for (let attempt = 1; ; attempt++) {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      if (attempt >= MAX_ATTEMPTS) throw new SlackPostError(`Slack webhook at ${target} unreachable after ${attempt} attempts: ${(e as Error).message}`);
      await sleep(1000 * 2 ** (attempt - 1), signal);
      continue;
    }
    const text = (await res.body.text()).slice(0, 200);
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    if (res.statusCode === 429 || res.statusCode >= 500) {
      if (attempt >= MAX_ATTEMPTS) throw new SlackPostError(`Slack webhook at ${target} still answering ${res.statusCode} after ${attempt} attempts`, res.statusCode);
      const wait = res.statusCode === 429 ? retryAfterMs(res.headers['retry-after']) : 1000 * 2 ** (attempt - 1);
      await sleep(wait, signal);
      continue;
    }
    throw new SlackPostError(`Slack webhook at ${target} rejected the report: ${res.statusCode} ${text || '(no reason given)'}`, res.statusCode);
  }
}

export async function postToSlack(webhookUrl: string, markdown: string, signal?: AbortSignal, opts: PostOptions = {}): Promise<void> {
  redactedTarget(webhookUrl);
  const pieces = splitMarkdown(markdown);
  if (pieces.length === 0) throw new SlackPostError('refusing to post an empty report');
  for (const [i, piece] of pieces.entries()) {
    const title = piece.split('\n').find((l) => l.trim() !== '')?.replace(/^#+\s*/, '') ?? 'statusgraph report';
    const text = pieces.length > 1 ? `${title} (${i + 1}/${pieces.length})` : title;
    await postOne(webhookUrl, JSON.stringify({ text, blocks: [{ type: 'markdown', text: piece }] }), signal, opts);
  }
}
