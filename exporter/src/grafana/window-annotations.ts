/*
 * A Grafana region annotation per maintenance window occurrence (issue 19), through the durable
 * queue of the maintenance store: queued when an occurrence begins and again when it ends (early
 * or cancelled ones get their real end), retried with exponential backoff, never posted twice (the
 * create is marked before it leaves; a retry looks the annotation up by its occurrence tag).
 */
import type { Logger } from 'pino';
import type { MaintenanceWindowView } from '@statusgraph/core';
import type { MaintenanceStore, PendingAnnotation } from '../maintenance/store.js';
import type { AnnotationBody } from './annotation.js';
import { GrafanaError, type AnnotationClient } from './client.js';

/** The tag that names one occurrence: how a retry finds an annotation whose POST answer was lost. */
export function occurrenceTag(windowId: string, startsAt: string): string {
  return `maintenance:${windowId}@${startsAt}`;
}

/** What an occurrence looks like as a region annotation (pure). */
export function windowAnnotationBody(w: MaintenanceWindowView): AnnotationBody {
  const end = w.endedAt ?? w.endsAt;
  const how = w.status === 'cancelled' ? ' (cancelled)' : w.endedAt ? ' (ended early: healthy again)' : '';
  return {
    time: Date.parse(w.startsAt),
    timeEnd: Date.parse(end),
    tags: ['maintenance', occurrenceTag(w.id, w.startsAt), `window:${w.id}`, ...w.components.map((c) => `component:${c}`)],
    text: `Maintenance: ${w.title}${how}. Components: ${w.components.join(', ')}.`,
  };
}

export interface WindowAnnotationsDeps {
  readonly store: MaintenanceStore;
  readonly client: AnnotationClient;
  readonly now: () => number;
  readonly logger: Logger;
  /** Backoff: base * 2^attempts, at most max (ms); tests shorten it. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How often due annotations are looked for besides kicks (ms). */
  readonly pollMs?: number;
  /** A cluster's leader gate: only the leader delivers (one annotation per occurrence); absent: always. */
  readonly gate?: { active(): boolean };
}

export interface WindowAnnotations {
  /** The occurrence's annotation must show this view (started or ended). */
  queue(w: MaintenanceWindowView): Promise<void>;
  /** Delivers what is due now; resolves when done (tests await it). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function startWindowAnnotations(deps: WindowAnnotationsDeps): WindowAnnotations {
  const { store, client, now, logger } = deps;
  const base = deps.baseDelayMs ?? 1_000;
  const max = deps.maxDelayMs ?? 300_000;
  let running: Promise<void> | undefined;
  let closed = false;

  const deliver = async (p: PendingAnnotation): Promise<void> => {
    const body = JSON.parse(p.body) as AnnotationBody;
    const tag = body.tags[1]!;
    try {
      let ref = p.ref;
      if (ref === null && p.sentAt !== null) {
        const found = await client.findByTag(tag);
        if (found !== undefined) ref = String(found);
      }
      if (ref !== null) {
        try {
          await client.patch(Number(ref), body);
        } catch (e) {
          // Deleted in Grafana meanwhile: post it again.
          if (!(e instanceof GrafanaError && e.status === 404)) throw e;
          ref = null;
        }
      }
      if (ref === null) {
        await store.annotationSent(p.windowId, p.startMs, now());
        ref = String(await client.create(body));
      }
      await store.annotationDelivered(p.windowId, p.startMs, p.version, ref);
    } catch (e) {
      const delay = Math.min(max, base * 2 ** p.attempts);
      logger.warn({ event: 'maintenance_annotation_failed', window: p.windowId, attempt: p.attempts + 1, error: (e as Error).message }, 'maintenance annotation not delivered; will retry');
      await store.annotationFailed(p.windowId, p.startMs, (e as Error).message, now() + delay);
    }
  };

  const drainOnce = async () => {
    if (deps.gate && !deps.gate.active()) return;
    for (const p of await store.dueAnnotations(now(), 50)) await deliver(p);
  };
  const drain = (): Promise<void> => {
    running = (running ?? Promise.resolve()).then(drainOnce).catch((e: unknown) => {
      logger.error({ event: 'maintenance_annotation_failed', error: String(e) }, 'maintenance annotations could not be read');
    });
    return running;
  };
  const timer = setInterval(() => { if (!closed) void drain(); }, deps.pollMs ?? 1_000);
  timer.unref();

  return {
    async queue(w) {
      await store.queueAnnotation({ windowId: w.id, startMs: Date.parse(w.startsAt), body: JSON.stringify(windowAnnotationBody(w)), at: now() });
      void drain();
    },
    drain,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await client.close();
    },
  };
}
