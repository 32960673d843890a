/*
 * The outbox worker: brings every enabled sink up to date with the store's queue, one independent
 * loop per sink (a slow destination does not hold up the others).
 *
 * - Durable: the queue is written in the same transaction as the change, so nothing is lost to a
 *   crash; a row leaves the queue only once its sink said "delivered" or "failed".
 * - No duplicates: a sink stores what it created (`ref`), and marks a non-idempotent request as
 *   sent before it leaves, so an attempt after a lost answer or a kill -9 looks before it creates.
 * - Retries: exponential backoff from 1 s, doubling, capped at 5 min, ±20 % jitter; a longer
 *   Retry-After from the destination wins and pauses the whole sink (a rate limit is per
 *   destination, not per incident). A new change to an incident retries its queue at once.
 */
import type { Logger } from 'pino';
import { formatId } from './ids.js';
import type { DeliveryResult, IncidentSink } from './sink.js';
import type { Delivery, DeliveryKey, SinkOutbox } from './store.js';

export interface OutboxOptions {
  readonly store: SinkOutbox;
  readonly sinks: readonly IncidentSink[];
  readonly logger: Logger;
  readonly now: () => number;
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** 0..1, randomises each delay by up to this fraction so many rows do not retry in lockstep. */
  readonly jitter?: number;
  /**
   * Several processes on one database where only one delivers (a cluster's leader): the loops
   * claim and deliver only while `active()` holds, stop between two deliveries when it ends, and
   * arm no timer meanwhile (kick() when it holds again). While active they look at the queue at
   * least every `pollMs`, for the changes other processes queued (a manual incident written
   * through a follower's API kicks that follower's outbox, not the leader's).
   */
  readonly gate?: { active(): boolean; readonly pollMs: number };
  /** After a change (and the older ones of its incident) was stored as delivered or failed for a sink. */
  readonly onSettled?: (sink: string, d: DeliveryKey, outcome: 'delivered' | 'failed') => void;
}

export interface Outbox {
  /** Something changed: look at the queue now. */
  kick(): void;
  /** Stops the loops, waits for the attempts in flight, closes the sinks. */
  close(): Promise<void>;
}

export function backoffDelay(attempts: number, baseMs: number, maxMs: number, jitter = 0, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(raw * (1 - jitter + 2 * jitter * random()));
}

interface Tuning { readonly base: number; readonly max: number; readonly jitter: number }

/**
 * While the store cannot be read (PostgreSQL stopped), a loop looks again after a backoff from the
 * base delay, capped at 10 s rather than the destinations' 5 min: the queue drains within 10 s of
 * the store's return.
 */
export const STORE_RETRY_MAX_MS = 10_000;

export function startOutbox(opts: OutboxOptions): Outbox {
  const tuning: Tuning = { base: opts.baseDelayMs ?? 1000, max: opts.maxDelayMs ?? 5 * 60_000, jitter: opts.jitter ?? 0.2 };
  const loops = opts.sinks.map((sink) => sinkLoop(sink, opts, tuning));
  return {
    kick: () => { for (const l of loops) l.kick(); },
    async close() {
      await Promise.all(loops.map((l) => l.close()));
    },
  };
}

/** Runs one delivery; a throwing sink counts as "retry". */
async function attempt(sink: IncidentSink, store: SinkOutbox, d: Delivery, now: () => number): Promise<DeliveryResult> {
  try {
    return await sink.deliver(d.change, d.incident, {
      attempt: d.attempts + 1,
      remote: d.remote,
      sentAt: d.sentAt,
      markSent: () => store.markSent(d, now()),
    });
  } catch (e) {
    return { outcome: 'retry', error: (e as Error).message };
  }
}

function sinkLoop(sink: IncidentSink, opts: OutboxOptions, t: Tuning): Outbox {
  const { store, now } = opts;
  const logger = opts.logger.child({ sink: sink.name });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let closing: Promise<void> | undefined;
  /** Retry-After: no request to this destination before this time. */
  let pausedUntil = 0;
  /** Reads of the queue that failed in a row (the store is out of reach). */
  let storeFailures = 0;

  /** Records one result; returns false when the sink asked to pause. */
  const settle = async (d: Delivery, r: DeliveryResult): Promise<boolean> => {
    const log = { incident: formatId(d.incidentId), change: d.seq, attempt: d.attempts + 1 };
    if (r.outcome === 'delivered') {
      await store.delivered(d, r.ref);
      opts.onSettled?.(sink.name, d, 'delivered');
      return true;
    }
    if (r.outcome === 'failed') {
      await store.failed(d, r.error);
      logger.error({ ...log, err: r.error }, 'incident delivery failed for good; later changes go on');
      opts.onSettled?.(sink.name, d, 'failed');
      return true;
    }
    const delay = Math.max(backoffDelay(d.attempts, t.base, t.max, t.jitter), r.retryAfterMs ?? 0);
    await store.retryLater(d, r.error, now() + delay);
    logger.warn({ ...log, retryInMs: delay, err: r.error }, 'incident delivery failed; will retry');
    if (r.retryAfterMs === undefined) return true;
    pausedUntil = now() + r.retryAfterMs;
    return false;
  };

  const active = (): boolean => opts.gate?.active() ?? true;

  const pass = async (): Promise<void> => {
    for (;;) {
      if (closed || !active() || now() < pausedUntil) return;
      const due = await store.dueDeliveries(sink.name, { coalesce: sink.coalesce, now: now() });
      if (due.length === 0) return;
      for (const d of due) {
        // A claimed change left undelivered goes back to the queue when the claim ends (CLAIM_MS).
        if (closed || !active()) return;
        if (!(await settle(d, await attempt(sink, store, d, now)))) return;
      }
    }
  };

  /** Arms the timer for the earliest pending attempt, but not sooner than `minDelayMs`. */
  const schedule = async (minDelayMs = 0): Promise<void> => {
    if (closed) return;
    let next: number | undefined;
    try {
      next = await store.nextDeliveryAt(sink.name);
      storeFailures = 0;
    } catch (e) {
      if (storeFailures === 0) logger.error({ err: (e as Error).message }, 'outbox cannot read its queue; looking again with a backoff');
      next = now();
      minDelayMs = Math.max(minDelayMs, backoffDelay(storeFailures++, t.base, Math.min(t.max, STORE_RETRY_MAX_MS)));
    }
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || !active()) return;
    const poll = opts.gate?.pollMs;
    if (next === undefined && poll === undefined) return;
    const wait = Math.max(minDelayMs, (next ?? Infinity) - now(), pausedUntil - now());
    timer = setTimeout(run, poll === undefined ? wait : Math.min(wait, Math.max(minDelayMs, poll)));
    timer.unref();
  };

  function run(): void {
    if (closed || !active()) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    let failed = false;
    running = pass()
      .catch((e: unknown) => {
        // A store error, not a destination's: back off instead of spinning on it.
        failed = true;
        logger.error({ err: (e as Error).message }, 'outbox pass failed');
      })
      .then(async () => {
        // A kick during the pass (or while the timer is armed) runs another pass right after.
        if (!again || failed) await schedule(failed ? t.base : 0);
        running = undefined;
        if (again && !failed) run();
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
        await sink.close();
      })();
      return closing;
    },
  };
}
