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

export const DAY_MS = 86_400_000;

/**
 * Storage is one typed array per field (40 bytes per bucket, under 5 KB per probe at the default
 * 120 buckets), not one object per bucket: 10,000 probes must not cost hundreds of megabytes.
 */
export class LatencyRing {
  readonly windowMs: number;
  readonly maxBuckets: number;
  private width: number;
  private n = 0;
  private readonly starts: Float64Array;
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private readonly counts: Uint32Array;
  private readonly fails: Uint32Array;

  constructor(opts: LatencyRingOptions = {}) {
    this.windowMs = opts.windowMs ?? DAY_MS;
    this.maxBuckets = opts.maxBuckets ?? 120;
    this.width = opts.initialWidthMs ?? 1_000;
    if (!(this.windowMs > 0) || !Number.isInteger(this.maxBuckets) || this.maxBuckets < 2 || !(this.width > 0)) {
      throw new Error('latency ring: windowMs and initialWidthMs must be positive, maxBuckets an integer >= 2');
    }
    // One spare slot: a new bucket is appended before the ring is brought back to size.
    const cap = this.maxBuckets + 1;
    this.starts = new Float64Array(cap);
    this.sums = new Float64Array(cap);
    this.mins = new Float64Array(cap);
    this.maxs = new Float64Array(cap);
    this.counts = new Uint32Array(cap);
    this.fails = new Uint32Array(cap);
  }

  get widthMs(): number {
    return this.width;
  }

  get size(): number {
    return this.n;
  }

  /** One probe result; `seconds` undefined means the probe failed (counted, not averaged). */
  add(at: number, seconds: number | undefined): void {
    if (!Number.isFinite(at)) return;
    const ok = seconds !== undefined && Number.isFinite(seconds) && seconds >= 0;
    const start = Math.floor(at / this.width) * this.width;
    // A late sample older than the newest bucket is folded into it rather than reordering the ring.
    if (this.n === 0 || start > this.starts[this.n - 1]!) {
      const i = this.n++;
      this.starts[i] = start;
      this.sums[i] = 0;
      this.mins[i] = Infinity;
      this.maxs[i] = -Infinity;
      this.counts[i] = 0;
      this.fails[i] = 0;
    }
    const i = this.n - 1;
    if (ok) {
      this.counts[i]! += 1;
      this.sums[i]! += seconds;
      if (seconds < this.mins[i]!) this.mins[i] = seconds;
      if (seconds > this.maxs[i]!) this.maxs[i] = seconds;
    } else this.fails[i]! += 1;
    this.expire(at);
    while (this.n > this.maxBuckets) {
      if (this.width * this.maxBuckets < this.windowMs) this.coarsen();
      else this.drop(1);
    }
  }

  /** Buckets still inside the window at `now`, oldest first. */
  snapshot(now: number): LatencyBucket[] {
    const cutoff = now - this.windowMs;
    const out: LatencyBucket[] = [];
    for (let i = 0; i < this.n; i++) {
      if (this.starts[i]! + this.width <= cutoff) continue;
      out.push({
        start: this.starts[i]!, count: this.counts[i]!, sum: this.sums[i]!,
        min: this.counts[i] ? this.mins[i]! : Infinity, max: this.counts[i] ? this.maxs[i]! : -Infinity, failures: this.fails[i]!,
      });
    }
    return out;
  }

  private drop(k: number): void {
    for (const a of [this.starts, this.sums, this.mins, this.maxs, this.counts, this.fails]) a.copyWithin(0, k, this.n);
    this.n -= k;
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    let k = 0;
    while (k < this.n && this.starts[k]! + this.width <= cutoff) k++;
    if (k) this.drop(k);
  }

  private coarsen(): void {
    this.width *= 2;
    let w = -1;
    for (let r = 0; r < this.n; r++) {
      const start = Math.floor(this.starts[r]! / this.width) * this.width;
      if (w >= 0 && this.starts[w] === start) {
        this.sums[w]! += this.sums[r]!;
        this.counts[w]! += this.counts[r]!;
        this.fails[w]! += this.fails[r]!;
        this.mins[w] = Math.min(this.mins[w]!, this.mins[r]!);
        this.maxs[w] = Math.max(this.maxs[w]!, this.maxs[r]!);
      } else {
        w++;
        this.starts[w] = start;
        this.sums[w] = this.sums[r]!;
        this.counts[w] = this.counts[r]!;
        this.fails[w] = this.fails[r]!;
        this.mins[w] = this.mins[r]!;
        this.maxs[w] = this.maxs[r]!;
      }
    }
    this.n = w + 1;
  }
}
