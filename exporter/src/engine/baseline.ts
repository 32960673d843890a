/**
 * A probe's normal latency, learned from its own recent successes: the median of the last
 * `window` successful durations. The median ignores the occasional slow sample, and a window
 * of 100 cycles (50 minutes at 30 s) adapts to a lasting change without chasing a blip.
 */
export class LearnedBaseline {
  /**
   * Float32 (7 significant digits) is plenty for a latency that is compared with 2x itself, and
   * halves the cost of 10,000 full windows (4 MB instead of 8).
   */
  private readonly samples: Float32Array;
  private n = 0;
  private next = 0;
  /** Recomputed when a sample arrives, not on every read: value() is read on every classification. */
  private median: number | undefined;

  constructor(
    private readonly window = 100,
    private readonly minSamples = 5,
    /** Millisecond latencies would make 2x baseline pure jitter: a GC pause or a busy core is not an incident. */
    private readonly floorSeconds = 0.025,
  ) {
    this.samples = new Float32Array(window);
  }

  add(seconds: number): void {
    this.samples[this.next] = seconds;
    this.next = (this.next + 1) % this.window;
    if (this.n < this.window) this.n++;
    if (this.n < this.minSamples) return;
    const sorted = this.samples.slice(0, this.n).sort();
    const mid = this.n >> 1;
    this.median = this.n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /** The learned baseline, or undefined until `minSamples` successes are seen. */
  value(): number | undefined {
    return this.median === undefined ? undefined : Math.max(this.median, this.floorSeconds);
  }
}
