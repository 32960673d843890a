/*
 * History for the status page and the history API: the durable state-change log (uptime bars, 90
 * days or since the first start), the probe-result store (30 days, downsampled) and the in-memory
 * latency rings (24 h sparklines), refilled from the result store at startup. Fed by every snapshot.
 */
import type { Snapshot } from '../engine/snapshot.js';
import type { Logger } from 'pino';
import { gapsIn, problemPeriods, type Period } from './day.js';
import { LatencyRings, type ProbeLatency } from './latency.js';
import { historyPage, type HistoryPage, type HistoryRequest } from './probe-history.js';
import { bucketsInRange } from './range.js';
import { ResultQueue } from './results-queue.js';
import { ResultStore, type ProbeRef } from './results-store.js';
import { DAY_MS as RING_WINDOW_MS, DEFAULT_BUCKETS, type LatencyRingOptions } from './ring.js';
import { mergeBuckets, type ResultBucket, type RetentionPolicy } from './rollup.js';
import { seedRings } from './seed.js';
import { HistoryStore } from './store.js';
import { DAY_MS, availability, dailyUptime, type DayUptime, type Span } from './uptime.js';

export const UPTIME_DAYS = 90;

export interface ComponentUptime {
  readonly name: string;
  /** Share of observed time operational or degraded over the window; null with no data. */
  readonly availability: number | null;
  readonly days: readonly DayUptime[];
}

export interface UptimeReport {
  /** Start of the window: 90 days back at UTC midnight, or the first run if later. */
  readonly from: number;
  readonly to: number;
  readonly days: number;
  readonly components: readonly ComponentUptime[];
}

/** One component's day: problem periods, exporter downtime and each probe's results summed. */
export interface DayReport {
  readonly from: number;
  readonly to: number;
  readonly periods: readonly Period[];
  readonly gaps: readonly Span[];
  readonly probes: readonly { readonly probe: string; readonly bucket: ResultBucket }[];
  readonly reasons: ReadonlyMap<number, string>;
}

export interface History {
  onSnapshot(s: Snapshot): void;
  uptime(names: readonly string[], days?: number): UptimeReport;
  /** 24 h latency buckets of every probe, or of the probes of `components` only. */
  latency(components?: readonly string[]): ProbeLatency[];
  /** When the exporter was not running, within [from, to). */
  gaps(from: number, to: number): Span[];
  /** Probes with stored results, of one component. */
  probesOf(component: string): ProbeRef[];
  results(probes: readonly ProbeRef[], req: HistoryRequest): HistoryPage;
  reasonTexts(ids: Iterable<number>): Map<number, string>;
  day(component: string, dayStart: number): DayReport;
  /** Writes the queued results now (the timer does it every flushEveryMs). */
  flush(): number;
  /** Rolls up and prunes now (the timer does it every minute). */
  maintain(): void;
  close(): void;
}

export interface HistoryDeps {
  readonly dataDir: string;
  readonly now: () => number;
  readonly logger: Logger;
  readonly rings?: LatencyRingOptions;
  readonly policy: RetentionPolicy;
  /** How often queued results and the current run's end are written (ms); a crash loses at most this. */
  readonly flushEveryMs: number;
  /** False in tests that call flush() and maintain() themselves. */
  readonly timers?: boolean;
}

/** Roll-ups move 5-minute edges: once a minute is often enough to stay within one bucket of the plan. */
const MAINTAIN_EVERY_MS = 60_000;

/** Daily uptime of `names` over the last `days` UTC days, from a state-change store. */
export function storeUptime(store: HistoryStore, names: readonly string[], days: number, to: number): UptimeReport {
  const windowStart = Math.floor(to / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const q = store.query(windowStart);
  const from = Math.max(windowStart, q.firstStart ?? to);
  return {
    from,
    to,
    days,
    components: names.map((name) => {
      const list = dailyUptime(q.records.get(name) ?? [], q.spans, from, to);
      return { name, availability: availability(list), days: list };
    }),
  };
}

export function createHistory(deps: HistoryDeps): History {
  const store = new HistoryStore({ dataDir: deps.dataDir, now: deps.now, touchEveryMs: deps.flushEveryMs });
  const logger = deps.logger.child({ subsystem: 'history' });
  const opening = performance.now();
  const results = new ResultStore(deps.dataDir, deps.policy);
  if (results.converted) {
    logger.info({ event: 'history_results_converted', from_version: results.openedVersion, seconds: (performance.now() - opening) / 1_000 }, 'results.db converted to the current layout');
  }
  const queue = new ResultQueue();
  const rings = new LatencyRings(deps.rings);
  // History is best effort: a full disk must not stop probing; say so once per failing streak.
  const failing = new Set<string>();
  const guard = <T>(what: string, f: () => T): T | undefined => {
    try {
      const out = f();
      failing.delete(what);
      return out;
    } catch (err) {
      if (!failing.has(what)) logger.error({ event: 'history_write_failed', what, error: (err as Error).message }, `${what} not written`);
      failing.add(what);
      return undefined;
    }
  };

  const seeded = guard('latency refill', () => seedRings(rings, results, deps.now(), deps.rings?.windowMs ?? RING_WINDOW_MS, deps.rings?.maxBuckets ?? DEFAULT_BUCKETS));
  logger.debug({ event: 'history_seeded', probes: seeded }, 'latency sparklines refilled from the result store');

  const flush = (): number => {
    const batch = queue.take();
    const dropped = queue.takeDropped();
    if (dropped) logger.warn({ event: 'history_results_dropped', dropped }, 'result queue full: oldest results dropped');
    if (batch.length === 0) return 0;
    const n = guard('probe results', () => results.write(batch)) ?? 0;
    logger.debug({ event: 'history_flushed', rows: n, up_to: batch.reduce((m, r) => Math.max(m, r.at), 0) }, 'probe results written');
    return n;
  };
  let lastVacuum = deps.now();
  const maintain = () => {
    guard('result roll-up', () => results.maintain(deps.now()));
    if (deps.now() - lastVacuum >= DAY_MS) {
      lastVacuum = deps.now();
      guard('reason clean-up', () => results.vacuumReasons());
    }
  };
  maintain();
  const timers = deps.timers === false ? [] : [setInterval(flush, deps.flushEveryMs), setInterval(maintain, MAINTAIN_EVERY_MS)];
  for (const t of timers) t.unref();

  return {
    onSnapshot(s) {
      rings.record(s);
      queue.onSnapshot(s);
      guard('state history', () => store.record(s));
    },
    uptime: (names, days = UPTIME_DAYS) => storeUptime(store, names, days, deps.now()),
    latency: (components) => rings.series(deps.now(), components),
    gaps(from, to) {
      const q = store.runs(from);
      // Before the first run is "not yet installed", not a gap.
      return gapsIn(q.spans, Math.max(from, q.firstStart ?? to), to);
    },
    probesOf: (component) => results.probesOf(component),
    results: (probes, req) => historyPage(results, probes, req),
    reasonTexts: (ids) => results.reasonTexts(ids),
    day(component, dayStart) {
      const now = deps.now();
      const to = Math.min(dayStart + DAY_MS, now);
      const { records, spans } = store.changes(component, dayStart, to);
      const probes = results.probesOf(component).flatMap((p) => {
        const [bucket] = mergeBuckets(bucketsInRange(results, p.id, dayStart, to, '1h'), DAY_MS);
        return bucket ? [{ probe: p.probe, bucket }] : [];
      });
      const reasons = results.reasonTexts(probes.flatMap((p) => [p.bucket.firstReason, p.bucket.lastReason].filter((r): r is number => r !== null)));
      const firstStart = store.runs(dayStart).firstStart ?? to;
      return { from: dayStart, to, periods: problemPeriods(records, spans, dayStart, to, now), gaps: gapsIn(spans, Math.max(dayStart, firstStart), to), probes, reasons };
    },
    flush,
    maintain,
    close() {
      for (const t of timers) clearInterval(t);
      flush();
      try { store.close(); } finally { results.close(); }
    },
  };
}
