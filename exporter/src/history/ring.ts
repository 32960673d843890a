/**
 * A bounded latency ring for one probe: at most `maxBuckets` buckets covering at most `windowMs`.
 *
 * Buckets start narrow (`initialWidthMs`) and double in width whenever the ring fills before it
 * spans the window, so a fresh exporter shows a detailed sparkline and a day-old one shows the
 * whole day; memory never depends on the probe interval or on how long the process has run.
 */
export interface LatencyBucket {
  /** Epoch ms, a multiple of the bucket width. */
  readonly start: number;
  /** Successful samples. */
  readonly count: number;
  /** Sum of successful latencies, seconds. */
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly failures: number;
}

export interface LatencyRingOptions {
  readonly windowMs?: number;
  readonly maxBuckets?: number;
  readonly initialWidthMs?: number;
}

interface MutableBucket {
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  failures: number;
}

export const DAY_MS = 86_400_000;

export class LatencyRing {
  readonly windowMs: number;
  readonly maxBuckets: number;
  private width: number;
  private buckets: MutableBucket[] = [];

  constructor(opts: LatencyRingOptions = {}) {
    this.windowMs = opts.windowMs ?? DAY_MS;
    this.maxBuckets = opts.maxBuckets ?? 180;
    this.width = opts.initialWidthMs ?? 1_000;
    if (!(this.windowMs > 0) || !Number.isInteger(this.maxBuckets) || this.maxBuckets < 2 || !(this.width > 0)) {
      throw new Error('latency ring: windowMs and initialWidthMs must be positive, maxBuckets an integer >= 2');
    }
  }

  get widthMs(): number {
    return this.width;
  }

  get size(): number {
    return this.buckets.length;
  }

  /** One probe result; `seconds` undefined means the probe failed (counted, not averaged). */
  add(at: number, seconds: number | undefined): void {
    if (!Number.isFinite(at)) return;
    const ok = seconds !== undefined && Number.isFinite(seconds) && seconds >= 0;
    const start = Math.floor(at / this.width) * this.width;
    const last = this.buckets[this.buckets.length - 1];
    // A late sample older than the newest bucket is folded into it rather than reordering the ring.
    if (last && start <= last.start) this.merge(last, ok ? seconds : undefined);
    else {
      const b: MutableBucket = { start, count: 0, sum: 0, min: Infinity, max: -Infinity, failures: 0 };
      this.merge(b, ok ? seconds : undefined);
      this.buckets.push(b);
    }
    this.expire(at);
    while (this.buckets.length > this.maxBuckets) {
      if (this.width * this.maxBuckets < this.windowMs) this.coarsen();
      else this.buckets.shift();
    }
  }

  /** Buckets still inside the window at `now`, oldest first. */
  snapshot(now: number): LatencyBucket[] {
    const cutoff = now - this.windowMs;
    return this.buckets.filter((b) => b.start + this.width > cutoff).map((b) => ({ ...b }));
  }

  private merge(b: MutableBucket, seconds: number | undefined): void {
    if (seconds === undefined) {
      b.failures++;
      return;
    }
    b.count++;
    b.sum += seconds;
    if (seconds < b.min) b.min = seconds;
    if (seconds > b.max) b.max = seconds;
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.buckets.length && this.buckets[drop]!.start + this.width <= cutoff) drop++;
    if (drop) this.buckets.splice(0, drop);
  }

  private coarsen(): void {
    this.width *= 2;
    const out: MutableBucket[] = [];
    for (const b of this.buckets) {
      const start = Math.floor(b.start / this.width) * this.width;
      const prev = out[out.length - 1];
      if (prev && prev.start === start) {
        prev.count += b.count;
        prev.sum += b.sum;
        prev.min = Math.min(prev.min, b.min);
        prev.max = Math.max(prev.max, b.max);
        prev.failures += b.failures;
      } else out.push({ ...b, start });
    }
    this.buckets = out;
  }
}
