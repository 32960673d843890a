/*
 * The slice of Grafana's annotations API statusgraph uses (see fixtures/grafana/annotations-api.md).
 * Errors carry the status and Grafana's message, never the token.
 */
import { Agent, request } from 'undici';
import type { AnnotationBody } from './annotation.js';

export class GrafanaError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface AnnotationClient {
  /** POST; resolves with Grafana's id. */
  create(body: AnnotationBody): Promise<number>;
  /** PATCH the given fields; rejects with status 404 when the annotation is gone. */
  patch(id: number, body: Partial<AnnotationBody>): Promise<void>;
  /** Id of an organization annotation carrying `tag`, if any. */
  findByTag(tag: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface AnnotationClientOptions {
  readonly url: string;
  readonly token: string;
  /** Per-request deadline; a request past it is abandoned and counts as failed. */
  readonly timeoutMs?: number;
}

export function createAnnotationClient(opts: AnnotationClientOptions): AnnotationClient {
  const base = new URL(opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const agent = new Agent({ connections: 4, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const headers = { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json', accept: 'application/json' };

  const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<unknown> => {
    const url = new URL(path, base);
    let res;
    try {
      res = await request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = (e as Error).name;
      const what = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${timeoutMs} ms` : (e as Error).message;
      throw new GrafanaError(`${method} ${url.pathname}: ${what}`);
    }
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) {
      let message = text.slice(0, 200);
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch { /* not JSON: keep the raw start */ }
      throw new GrafanaError(`${method} ${url.pathname}: ${res.statusCode} ${message}`, res.statusCode);
    }
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      throw new GrafanaError(`${method} ${url.pathname}: answer is not JSON`);
    }
  };

  return {
    async create(body) {
      const out = (await call('POST', 'api/annotations', body)) as { id?: unknown } | undefined;
      if (typeof out?.id !== 'number') throw new GrafanaError('POST /api/annotations: answer has no numeric id');
      return out.id;
    },
    async patch(id, body) {
      await call('PATCH', `api/annotations/${encodeURIComponent(String(id))}`, body);
    },
    async findByTag(tag) {
      const qs = new URLSearchParams({ tags: tag, type: 'annotation', limit: '10' });
      const out = await call('GET', `api/annotations?${qs.toString()}`);
      if (!Array.isArray(out)) throw new GrafanaError('GET /api/annotations: answer is not a list');
      const hit = out.find((a: { id?: unknown; tags?: unknown }) => typeof a.id === 'number' && Array.isArray(a.tags) && a.tags.includes(tag)) as { id: number } | undefined;
      return hit?.id;
    },
    close: () => agent.close(),
  };
}
