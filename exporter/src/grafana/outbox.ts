/*
 * Background worker that brings Grafana's annotations up to date with the outbox table.
 * Idempotency: the Grafana id is stored after the first POST, later changes PATCH it; and the time
 * a POST is sent is stored before it leaves, so an attempt after a lost answer (timeout, crash)
 * searches by the incident's own tag before it would POST again.
 */
import type { Logger } from 'pino';
import type { IncidentStore, OutboxItem } from '../incidents/store.js';
import { annotationBody, incidentTag } from './annotation.js';
import { GrafanaError, type AnnotationClient } from './client.js';

export interface OutboxOptions {
  readonly store: IncidentStore;
  readonly client: AnnotationClient;
  readonly logger: Logger;
  readonly now: () => number;
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** 0..1, randomises each delay by up to this fraction so many rows do not retry in lockstep. */
  readonly jitter?: number;
}

export interface AnnotationOutbox {
  /** Something changed: look at the outbox now. */
  kick(): void;
  close(): Promise<void>;
}

export function backoffDelay(attempts: number, baseMs: number, maxMs: number, jitter = 0, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(raw * (1 - jitter + 2 * jitter * random()));
}

export function startAnnotationOutbox(opts: OutboxOptions): AnnotationOutbox {
  const { store, client, logger, now } = opts;
  const base = opts.baseDelayMs ?? 1000;
  const max = opts.maxDelayMs ?? 5 * 60_000;
  const jitter = opts.jitter ?? 0.2;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  const sync = async (item: OutboxItem): Promise<number> => {
    const body = annotationBody(item.incident);
    let id = item.annotationId;
    if (id === null && item.postSentAt !== null) {
      id = (await client.findByTag(incidentTag(item.incident.id))) ?? null;
      if (id !== null) logger.info({ incident: item.incident.id, annotation: id }, 'found the annotation of an earlier unanswered POST');
    }
    if (id !== null) {
      try {
        await client.patch(id, body);
        return id;
      } catch (e) {
        // Deleted in Grafana by someone: recreate rather than retry a PATCH that can never work.
        if (!(e instanceof GrafanaError && e.status === 404)) throw e;
        logger.warn({ incident: item.incident.id, annotation: id }, 'annotation was deleted in Grafana; creating it again');
      }
    }
    store.markPostSent(item.incident.id, now());
    return client.create(body);
  };

  const pass = async (): Promise<void> => {
    for (;;) {
      const due = store.dueAnnotations(now());
      if (due.length === 0 || closed) return;
      for (const item of due) {
        if (closed) return;
        try {
          const id = await sync(item);
          store.annotationSynced(item.incident.id, item.version, id);
        } catch (e) {
          const delay = backoffDelay(item.attempts, base, max, jitter);
          store.annotationFailed(item.incident.id, (e as Error).message, now() + delay);
          logger.warn({ incident: item.incident.id, attempt: item.attempts + 1, retryInMs: delay, err: (e as Error).message }, 'grafana annotation sync failed');
        }
      }
    }
  };

  /** Arms the timer for the earliest pending attempt, but not sooner than `minDelayMs`. */
  const schedule = (minDelayMs = 0): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    let next: number | undefined;
    try {
      next = store.nextAnnotationAttempt();
    } catch (e) {
      logger.error({ err: (e as Error).message }, 'annotation outbox cannot read its table');
      next = now();
      minDelayMs = Math.max(minDelayMs, max);
    }
    if (next === undefined) return;
    timer = setTimeout(run, Math.max(minDelayMs, next - now()));
    timer.unref();
  };

  function run(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    let failed = false;
    running = pass()
      .catch((e: unknown) => {
        // A store error, not a Grafana one: back off instead of spinning on it.
        failed = true;
        logger.error({ err: (e as Error).message }, 'annotation outbox pass failed');
      })
      .finally(() => {
        running = undefined;
        if (again && !failed) run();
        else schedule(failed ? base : 0);
      });
  }

  run();
  return {
    kick: run,
    close() {
      closing ??= (async () => {
        closed = true;
        if (timer) clearTimeout(timer);
        await running;
        await client.close();
      })();
      return closing;
    },
  };
}
