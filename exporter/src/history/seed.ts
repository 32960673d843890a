/**
 * Refills the latency rings from the result store at startup, so the sparklines show the last
 * day again after a restart or an upgrade instead of starting empty.
 */
import type { LatencyRings } from './latency.js';
import { FIVE_MIN_MS, HOUR_MS } from './rollup.js';
import type { ProbeRef, ResultStore } from './results-store.js';

const US = 1e6;

/**
 * Raw results are summed per `width`: a power of two of seconds, as the rings' own bucket widths
 * are, and at most the width a ring spanning `span` ends with, so no ring bucket is split and the
 * replayed ring holds the sums it held before. Buckets older than the raw tier are replayed as
 * they are (5-minute or hourly: coarser than a day-old ring's 17 min only for the hourly ones,
 * which a day-long window reaches with a 5-minute tier under a day).
 */
export function replayWidth(spanMs: number, maxBuckets: number): number {
  let w = 1_000;
  while (w * 2 * maxBuckets * 2 <= spanMs) w *= 2;
  return w;
}

/** One probe's raw results being summed: the group of `width` that holds the latest row. */
interface Group {
  readonly ref: ProbeRef | undefined;
  readonly width: number;
  start: number;
  count: number;
  sumUs: number;
  maxUs: number;
  failures: number;
  last: number;
}

/**
 * Returns the number of probes refilled. Each tier is read once for all probes in key order (a
 * bucket start or a 30-s slot of every probe at a time), which gives each probe its results
 * oldest first, as a ring wants them; raw results are summed here, per probe, as they go by.
 */
export function seedRings(rings: LatencyRings, store: ResultStore, now: number, windowMs: number, maxBuckets: number): number {
  const from = now - windowMs;
  const { rawFrom, fiveFrom } = store.marks();
  const refs = new Map(store.allProbes().map((p) => [p.id, p]));
  const first = new Map<number, number>();
  const seed = (ref: ProbeRef | undefined, at: number, count: number, sumUs: number, maxUs: number, failures: number) => {
    if (ref) rings.seed(ref.component, ref.probe, at, count, sumUs / US, maxUs / US, failures);
  };
  const older = (rows: [number, number, number, number, number, number | null][]) => {
    for (const [probe, start, count, failures, sumUs, maxUs] of rows) {
      if (!first.has(probe)) first.set(probe, start);
      seed(refs.get(probe), start, count, sumUs, maxUs ?? 0, failures);
    }
  };
  store.eachBucketStart(HOUR_MS, from, fiveFrom, older);
  store.eachBucketStart(FIVE_MIN_MS, Math.max(from, fiveFrom), rawFrom, older);

  const groups = new Map<number, Group>();
  const flush = (g: Group) => { if (g.count + g.failures > 0) seed(g.ref, g.last, g.count, g.sumUs, g.maxUs, g.failures); };
  store.eachRawSlot(Math.max(from, rawFrom), now + 1, (rows) => {
    for (const [probe, at, latencyUs, failed] of rows) {
      let g = groups.get(probe);
      if (!g) {
        const f = first.get(probe) ?? at;
        first.set(probe, f);
        g = { ref: refs.get(probe), width: replayWidth(now - f, maxBuckets), start: NaN, count: 0, sumUs: 0, maxUs: 0, failures: 0, last: 0 };
        groups.set(probe, g);
      }
      const start = at - (at % g.width);
      if (start !== g.start) {
        flush(g);
        g.start = start;
        g.count = g.sumUs = g.maxUs = g.failures = 0;
      }
      g.last = at;
      if (failed) g.failures++;
      else {
        g.count++;
        g.sumUs += latencyUs;
        g.maxUs = Math.max(g.maxUs, latencyUs);
      }
    }
  });
  for (const g of groups.values()) flush(g);
  return first.size;
}
