/**
 * Downsampling and pruning of stored probe results, as pure functions: the result store
 * (results-store.ts) only reads rows, hands them here, and writes what comes back.
 *
 * Three tiers, each a half-open time range that never overlaps the next:
 *   raw     [rawFrom,  now)      every result, full resolution
 *   5 min   [fiveFrom, rawFrom)  one bucket per probe and 5 minutes
 *   1 hour  [cutoff,   fiveFrom) one bucket per probe and hour
 * `rawFrom` and `fiveFrom` are watermarks kept in the store: a roll-up moves a watermark forward
 * to a bucket edge, aggregates exactly the rows in [old, new) and deletes them in the same
 * transaction, so a result is counted in exactly one tier at any time.
 */

export const FIVE_MIN_MS = 300_000;
export const HOUR_MS = 3_600_000;

/** One stored probe result. */
export interface RawResult {
  readonly probe: number;
  /** Epoch ms when the result was taken. */
  readonly at: number;
  /** Latency, whole microseconds. */
  readonly latencyUs: number;
  /** Interned failure reason id; null for a success. */
  readonly reason: number | null;
}

/** Aggregate of one probe over [start, start + step). Latency figures are over successes only. */
export interface ResultBucket {
  readonly probe: number;
  /** Epoch ms, a multiple of the step. */
  readonly start: number;
  readonly count: number;
  readonly failures: number;
  /** null when the bucket holds no success. */
  readonly minUs: number | null;
  readonly sumUs: number;
  readonly maxUs: number | null;
  /**
   * 95th percentile (nearest rank) of the successes. Exact in 5-minute buckets; in hourly ones the
   * highest 5-minute p95, an upper bound of the true p95 (at most 5 % of each part lies above it).
   */
  readonly p95Us: number | null;
  readonly firstReason: number | null;
  readonly lastReason: number | null;
}

export interface RetentionPolicy {
  readonly retentionMs: number;
  /** How long every result is kept as it was taken. */
  readonly rawMs: number;
  /** How long 5-minute buckets are kept before they become hourly ones. */
  readonly fiveMinuteMs: number;
}

export interface Watermarks {
  /** Start of the raw tier: results before it are in buckets. */
  readonly rawFrom: number;
  /** Start of the 5-minute tier: buckets before it are hourly. */
  readonly fiveFrom: number;
}

export interface RollupPlan {
  /** Raw results in [marks.rawFrom, next.rawFrom) become 5-minute buckets. */
  readonly next: Watermarks;
  /** Everything that starts before this is deleted (all tiers). */
  readonly cutoff: number;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

/**
 * The watermarks after a maintenance pass at `now`. Watermarks only move forward and sit on
 * their tier's bucket edges, so a bucket is built once, from complete input.
 */
export function planRollup(now: number, policy: RetentionPolicy, marks: Watermarks): RollupPlan {
  const rawFrom = Math.max(marks.rawFrom, floorTo(now - policy.rawMs, FIVE_MIN_MS));
  // The 5-minute tier ends where raw begins and starts on an hour edge, at most fiveMinuteMs back
  // (never past raw: only complete hours of 5-minute buckets are merged).
  const fiveFrom = Math.min(floorTo(rawFrom, HOUR_MS), Math.max(marks.fiveFrom, floorTo(now - policy.rawMs - policy.fiveMinuteMs, HOUR_MS)));
  // Nothing is kept past the retention: a bucket that starts before the cutoff goes entirely.
  return { next: { rawFrom, fiveFrom }, cutoff: now - policy.retentionMs };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

interface Acc {
  probe: number;
  start: number;
  count: number;
  failures: number;
  minUs: number | null;
  sumUs: number;
  maxUs: number | null;
  firstReason: number | null;
  lastReason: number | null;
  /** Raw latencies (for the exact p95) or part p95s. */
  samples: number[];
  firstFailAt: number;
  lastFailAt: number;
}

/** Accumulators by start, then probe: number keys (a string key per row was a tenth of a roll-up pass). */
type Accs = Map<number, Map<number, Acc>>;

function accFor(map: Accs, probe: number, start: number): Acc {
  let byProbe = map.get(start);
  if (!byProbe) map.set(start, (byProbe = new Map()));
  let a = byProbe.get(probe);
  if (!a) {
    a = { probe, start, count: 0, failures: 0, minUs: null, sumUs: 0, maxUs: null, firstReason: null, lastReason: null, samples: [], firstFailAt: Infinity, lastFailAt: -Infinity };
    byProbe.set(probe, a);
  }
  return a;
}

function finish(map: Accs, p95: (a: Acc) => number | null): ResultBucket[] {
  return [...map.values()].flatMap((byProbe) => [...byProbe.values()])
    .sort((x, y) => x.probe - y.probe || x.start - y.start)
    .map((a) => ({
      probe: a.probe, start: a.start, count: a.count, failures: a.failures, minUs: a.minUs, sumUs: a.sumUs, maxUs: a.maxUs,
      p95Us: p95(a), firstReason: a.firstReason, lastReason: a.lastReason,
    }));
}

function addFailure(a: Acc, at: number, first: number | null, last: number | null, n: number): void {
  a.failures += n;
  if (at < a.firstFailAt) { a.firstFailAt = at; a.firstReason = first; }
  if (at >= a.lastFailAt) { a.lastFailAt = at; a.lastReason = last; }
}

/** Raw results into buckets of `stepMs` (a bucket per probe and step that holds a result). */
export function aggregateResults(rows: Iterable<RawResult>, stepMs: number): ResultBucket[] {
  const map: Accs = new Map();
  for (const r of rows) {
    const a = accFor(map, r.probe, floorTo(r.at, stepMs));
    a.count++;
    if (r.reason !== null) {
      addFailure(a, r.at, r.reason, r.reason, 1);
      continue;
    }
    a.sumUs += r.latencyUs;
    a.minUs = a.minUs === null ? r.latencyUs : Math.min(a.minUs, r.latencyUs);
    a.maxUs = a.maxUs === null ? r.latencyUs : Math.max(a.maxUs, r.latencyUs);
    a.samples.push(r.latencyUs);
  }
  return finish(map, (a) => (a.samples.length ? percentile(a.samples.sort((x, y) => x - y), 0.95) : null));
}

/** Finer buckets into buckets of `stepMs` (a multiple of theirs). */
export function mergeBuckets(parts: Iterable<ResultBucket>, stepMs: number): ResultBucket[] {
  const map: Accs = new Map();
  for (const b of parts) {
    const a = accFor(map, b.probe, floorTo(b.start, stepMs));
    a.count += b.count;
    if (b.failures > 0) addFailure(a, b.start, b.firstReason, b.lastReason, b.failures);
    a.sumUs += b.sumUs;
    if (b.minUs !== null) a.minUs = a.minUs === null ? b.minUs : Math.min(a.minUs, b.minUs);
    if (b.maxUs !== null) a.maxUs = a.maxUs === null ? b.maxUs : Math.max(a.maxUs, b.maxUs);
    if (b.p95Us !== null) a.samples.push(b.p95Us);
  }
  return finish(map, (a) => (a.samples.length ? Math.max(...a.samples) : null));
}
