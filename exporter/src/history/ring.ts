/**
 * A bounded latency ring for one probe: at most `maxBuckets` buckets covering at most `windowMs`.
 *
 * Buckets start narrow (`initialWidthMs`) and double in width whenever the ring fills before it
 * spans the window, so a fresh exporter shows a detailed sparkline and a day-old one shows the
 * whole day; memory never depends on the probe interval or on how long the process has run.
 *
 * Buckets sit on a grid: bucket k of the ring starts at `base + k * width`, so starts are not
 * stored, and a probe that did not run leaves an empty bucket, which snapshots skip.
 */
export interface LatencyBucket {
  /** Epoch ms, a multiple of the bucket width. */
  readonly start: number;
  /** Successful samples. */
  readonly count: number;
  /** Sum of successful latencies, seconds. */
  readonly sum: number;
  /** Slowest successful latency, seconds, to the microsecond (-Infinity when none). */
  readonly max: number;
  readonly failures: number;
}

export interface LatencyRingOptions {
  readonly windowMs?: number;
  readonly maxBuckets?: number;
  readonly initialWidthMs?: number;
}

export const DAY_MS = 86_400_000;

/** Max latencies are kept as whole microseconds; 2^32 - 1 µs (71 min) is far above any timeout. */
const US = 1e6;
const MAX_US = 0xffff_ffff;
/** Counts saturate rather than wrap: a bucket is at most 1,024 s wide, 65,535 samples is 64 per second. */
const MAX_COUNT = 0xffff;

/** Where a ring keeps its buckets: `maxBuckets` slots of each array from `offset`. */
export interface RingStorage {
  /** Seconds (Float32: 7 digits are plenty for a mean shown to the microsecond). */
  readonly sums: Float32Array;
  /** Microseconds. */
  readonly maxs: Uint32Array;
  readonly counts: Uint16Array;
  readonly fails: Uint16Array;
  readonly offset: number;
}

export const DEFAULT_BUCKETS = 120;

/**
 * Storage for `rings` rings of `buckets` buckets in one ArrayBuffer, 12 bytes per bucket. Shared
 * by many rings: a buffer and four typed arrays per ring cost more than its 1.4 KB of data
 * (~0.5 KB each; 5 MB at 10,000 probes).
 */
export function ringStorage(buckets: number, rings = 1): RingStorage[] {
  const n = buckets * rings;
  const buffer = new ArrayBuffer(n * 12);
  const sums = new Float32Array(buffer, 0, n);
  const maxs = new Uint32Array(buffer, 4 * n, n);
  const counts = new Uint16Array(buffer, 8 * n, n);
  const fails = new Uint16Array(buffer, 10 * n, n);
  // Written out, not `{ ...arrays, offset }`: V8 gave all but 8 of 10,240 spread copies a hidden
  // class (map and descriptor array) of their own, ~3 MiB at 10,000 probes for five fields each.
  return Array.from({ length: rings }, (_, r) => ({ sums, maxs, counts, fails, offset: r * buckets }));
}

/**
 * 10,000 probes must not cost hundreds of megabytes: 12 bytes per bucket (1.4 KB per probe at
 * the default 120), in storage shared with other rings (see ringStorage), used as a circular
 * buffer from `head`.
 */
export class LatencyRing {
  readonly windowMs: number;
  readonly maxBuckets: number;
  private width: number;
  /** Start (epoch ms) of the oldest bucket, a multiple of `width`. */
  private base = 0;
  /** Slot of the oldest bucket. */
  private head = 0;
  private n = 0;
  private readonly sums: Float32Array;
  private readonly maxs: Uint32Array;
  private readonly counts: Uint16Array;
  private readonly fails: Uint16Array;
  private readonly offset: number;

  constructor(opts: LatencyRingOptions = {}, storage?: RingStorage) {
    this.windowMs = opts.windowMs ?? DAY_MS;
    this.maxBuckets = opts.maxBuckets ?? DEFAULT_BUCKETS;
    this.width = opts.initialWidthMs ?? 1_000;
    if (!(this.windowMs > 0) || !Number.isInteger(this.maxBuckets) || this.maxBuckets < 2 || !(this.width > 0)) {
      throw new Error('latency ring: windowMs and initialWidthMs must be positive, maxBuckets an integer >= 2');
    }
    const st = storage ?? ringStorage(this.maxBuckets)[0]!;
    if (st.offset + this.maxBuckets > st.sums.length) throw new Error('latency ring: storage too small for maxBuckets');
    ({ sums: this.sums, maxs: this.maxs, counts: this.counts, fails: this.fails, offset: this.offset } = st);
  }

  get widthMs(): number {
    return this.width;
  }

  /** Buckets held, empty ones included. */
  get size(): number {
    return this.n;
  }

  /** One probe result; `seconds` undefined means the probe failed (counted, not averaged). */
  add(at: number, seconds: number | undefined): void {
    const ok = seconds !== undefined && Number.isFinite(seconds) && seconds >= 0;
    if (ok) this.addSummed(at, 1, seconds, seconds, 0);
    else this.addSummed(at, 0, 0, 0, 1);
  }

  /** Results already summed (a stored aggregate replayed at startup): `count` successes, `failures` failures. */
  addSummed(at: number, count: number, sumSeconds: number, maxSeconds: number, failures: number): void {
    if (!Number.isFinite(at)) return;
    const i = this.slot(this.bucketFor(at));
    if (count > 0) {
      this.counts[i] = Math.min(MAX_COUNT, this.counts[i]! + count);
      this.sums[i]! += sumSeconds;
      const us = Math.min(MAX_US, Math.round(maxSeconds * US));
      if (us > this.maxs[i]!) this.maxs[i] = us;
    }
    if (failures > 0) this.fails[i] = Math.min(MAX_COUNT, this.fails[i]! + failures);
    this.expire(at);
  }

  /** Buckets still inside the window at `now` that hold a result, oldest first. */
  snapshot(now: number): LatencyBucket[] {
    const cutoff = now - this.windowMs;
    const out: LatencyBucket[] = [];
    for (let k = 0; k < this.n; k++) {
      const start = this.base + k * this.width;
      const i = this.slot(k);
      const count = this.counts[i]!;
      const failures = this.fails[i]!;
      if (start + this.width <= cutoff || (count === 0 && failures === 0)) continue;
      out.push({ start, count, sum: this.sums[i]!, max: count ? this.maxs[i]! / US : -Infinity, failures });
    }
    return out;
  }

  /** Index in the storage arrays of the k-th bucket from the oldest. */
  private slot(k: number): number {
    return this.offset + ((this.head + k) % this.maxBuckets);
  }

  private clear(k: number): void {
    const i = this.slot(k);
    this.sums[i] = 0;
    this.maxs[i] = 0;
    this.counts[i] = 0;
    this.fails[i] = 0;
  }

  /**
   * The ring index of the bucket holding `at`, making room for it: a newer bucket is appended
   * (with empty ones for the gap), widening the buckets while the ring does not yet span the
   * window and dropping the oldest once it does. A late sample older than the oldest bucket is
   * counted in the oldest.
   */
  private bucketFor(at: number): number {
    for (;;) {
      const start = Math.floor(at / this.width) * this.width;
      if (this.n === 0) {
        this.base = start;
        this.head = 0;
        this.n = 1;
        this.clear(0);
        return 0;
      }
      const newest = this.base + (this.n - 1) * this.width;
      if (start <= newest) return start < this.base ? 0 : (start - this.base) / this.width;
      const need = this.n + (start - newest) / this.width;
      if (need <= this.maxBuckets) {
        for (let k = this.n; k < need; k++) this.clear(k);
        this.n = need;
        return need - 1;
      }
      if (this.width * this.maxBuckets < this.windowMs) {
        this.coarsen();
        continue;
      }
      const drop = need - this.maxBuckets;
      if (drop >= this.n) {
        this.n = 0;
        continue;
      }
      this.dropOldest(drop);
    }
  }

  private dropOldest(k: number): void {
    this.head = (this.head + k) % this.maxBuckets;
    this.base += k * this.width;
    this.n -= k;
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    let k = 0;
    while (k < this.n && this.base + (k + 1) * this.width <= cutoff) k++;
    if (k) this.dropOldest(k);
  }

  /** Doubles the width, merging pairs of buckets in place (target k' = (k + offset) / 2 <= k). */
  private coarsen(): void {
    const width = this.width * 2;
    const base = Math.floor(this.base / width) * width;
    const offset = (this.base - base) / this.width;
    let last = -1;
    for (let k = 0; k < this.n; k++) {
      const t = (k + offset) >> 1;
      const from = this.slot(k);
      const to = this.slot(t);
      if (t !== last) {
        this.sums[to] = this.sums[from]!;
        this.maxs[to] = this.maxs[from]!;
        this.counts[to] = this.counts[from]!;
        this.fails[to] = this.fails[from]!;
        last = t;
      } else {
        this.sums[to]! += this.sums[from]!;
        this.maxs[to] = Math.max(this.maxs[to]!, this.maxs[from]!);
        this.counts[to] = Math.min(MAX_COUNT, this.counts[to]! + this.counts[from]!);
        this.fails[to] = Math.min(MAX_COUNT, this.fails[to]! + this.fails[from]!);
      }
    }
    this.n = ((this.n - 1 + offset) >> 1) + 1;
    this.base = base;
    this.width = width;
  }
}
