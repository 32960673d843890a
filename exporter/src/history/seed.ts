/**
 * Refills the latency rings from the result store at startup, so the sparklines show the last
 * day again after a restart or an upgrade instead of starting empty.
 */
import type { LatencyRings } from './latency.js';
import { FIVE_MIN_MS, HOUR_MS } from './rollup.js';
import type { ResultStore } from './results-store.js';

const US = 1e6;

/**
 * Raw results are summed in SQL per `width`: a power of two of seconds, as the rings' own bucket
 * widths are, and at most the width a ring spanning `span` ends with, so no ring bucket is split
 * and the replayed ring holds the sums it held before. Buckets older than the raw tier are
 * replayed as they are (5-minute or hourly: coarser than a day-old ring's 17 min only for the
 * hourly ones, which a day-long window reaches with a 5-minute tier under a day).
 */
export function replayWidth(spanMs: number, maxBuckets: number): number {
  let w = 1_000;
  while (w * 2 * maxBuckets * 2 <= spanMs) w *= 2;
  return w;
}

/** Returns the number of probes refilled. */
export function seedRings(rings: LatencyRings, store: ResultStore, now: number, windowMs: number, maxBuckets: number): number {
  const from = now - windowMs;
  const { rawFrom, fiveFrom } = store.marks();
  let n = 0;
  for (const p of store.allProbes()) {
    const older = [
      ...store.buckets(HOUR_MS, p.id, from, fiveFrom),
      ...store.buckets(FIVE_MIN_MS, p.id, Math.max(from, fiveFrom), rawFrom),
    ];
    const first = older[0]?.start ?? store.raw(p.id, Math.max(from, rawFrom), now + 1, 1)[0]?.at;
    if (first === undefined) continue;
    n++;
    for (const b of older) rings.seed(p.component, p.probe, b.start, b.count - b.failures, b.sumUs / US, (b.maxUs ?? 0) / US, b.failures);
    const width = replayWidth(now - first, maxBuckets);
    for (const g of store.rawSums(p.id, Math.max(from, rawFrom), now + 1, width)) {
      rings.seed(p.component, p.probe, g.last, g.count, g.sumUs / US, (g.maxUs ?? 0) / US, g.failures);
    }
  }
  return n;
}
