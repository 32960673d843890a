/**
 * A probe's normal latency, learned from its own recent successes: the median of the last
 * `window` successful durations. The median ignores the occasional slow sample, and a window
 * of 100 cycles (50 minutes at 30 s) adapts to a lasting change without chasing a blip.
 */
export class LearnedBaseline {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(
    private readonly window = 100,
    private readonly minSamples = 5,
    /** Millisecond latencies would make 2x baseline pure jitter: a GC pause or a busy core is not an incident. */
    private readonly floorSeconds = 0.025,
  ) {}

  add(seconds: number): void {
    if (this.samples.length < this.window) this.samples.push(seconds);
    else this.samples[this.next] = seconds;
    this.next = (this.next + 1) % this.window;
  }

  /** The learned baseline, or undefined until `minSamples` successes are seen. */
  value(): number | undefined {
    const n = this.samples.length;
    if (n < this.minSamples) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const mid = n >> 1;
    const median = n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return Math.max(median, this.floorSeconds);
  }
}
