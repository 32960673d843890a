/*
 * A generic webhook sink: every change of every incident is POSTed as JSON to a URL, in order per
 * incident (no coalescing: a receiver sees each update). At least once on the wire, exactly once
 * for a receiver that honours `Idempotency-Key` (the same for every attempt of one change); a
 * repeat after an unknown outcome also carries `"redelivery": true`.
 * Status rules as Alertmanager's webhook: 2xx delivered; 5xx, 408 and network errors retried;
 * 429 retried no sooner than its Retry-After; any other status fails for good (the receiver would
 * refuse the same body again).
 */
import { Agent, request } from 'undici';
import type { WebhookConfig } from '../config/types.js';
import { formatId } from '../incidents/ids.js';
import { entryJson, incidentJson } from '../incidents/serialize.js';
import { retryAfterMs } from '../incidents/retry-after.js';
import type { DeliveryResult, IncidentSink } from '../incidents/sink.js';
import type { SinkKind } from './types.js';

export { retryAfterMs };

export function statusResult(status: number, text: string, retryAfter: string | undefined, now: number): DeliveryResult {
  if (status >= 200 && status <= 299) return { outcome: 'delivered' };
  const error = `POST: ${status} ${text.slice(0, 200)}`.trim();
  if (status === 429) {
    const after = retryAfterMs(retryAfter, now);
    return { outcome: 'retry', error, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  }
  if (status >= 500 || status === 408) return { outcome: 'retry', error };
  return { outcome: 'failed', error };
}

export function webhookSink(cfg: WebhookConfig, opts: { timeoutMs?: number; now?: () => number } = {}): IncidentSink {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = opts.now ?? Date.now;
  const agent = new Agent({ connections: 2, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const name = `webhook:${cfg.name}`;
  return {
    name,
    coalesce: false,
    async deliver(change, incident, ctx) {
      const body = JSON.stringify({
        change: { seq: change.seq, kind: change.kind, at: new Date(change.at).toISOString(), entries: change.entries.map(entryJson) },
        incident: incidentJson(incident),
        redelivery: ctx.sentAt !== null,
      });
      await ctx.markSent();
      let res;
      try {
        res = await request(cfg.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'statusgraph',
            'idempotency-key': `${name}/${formatId(incident.id)}/${change.seq}`,
            ...(cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}),
          },
          body,
          dispatcher: agent,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const n = (e as Error).name;
        return { outcome: 'retry', error: n === 'TimeoutError' || n === 'AbortError' ? `POST: timed out after ${timeoutMs} ms` : `POST: ${(e as Error).message}` };
      }
      const text = await res.body.text().catch(() => '');
      const retryAfter = res.headers['retry-after'];
      return statusResult(res.statusCode, text, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, now());
    },
    close: () => agent.close(),
  };
}

export const webhookSinks: SinkKind = {
  kind: 'webhook',
  build: (config, deps) => (config.webhooks ?? []).map((w) => webhookSink(w, deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {})),
};
