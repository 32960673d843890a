/** Nearest-rank percentile of `values` (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Jitter {
  /** Gaps between two consecutive probes of the same component that were measured. */
  readonly gaps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Spacing jitter: for every component, |gap between consecutive probes - interval|. A component
 * probed exactly once per interval has zero jitter however its probes are placed in the cycle.
 */
export function spacingJitter(timesByKey: ReadonlyMap<string, readonly number[]>, intervalMs: number): Jitter {
  const dev: number[] = [];
  for (const times of timesByKey.values()) {
    const t = [...times].sort((a, b) => a - b);
    for (let i = 1; i < t.length; i++) dev.push(Math.abs(t[i]! - t[i - 1]! - intervalMs));
  }
  return { gaps: dev.length, p50Ms: percentile(dev, 50), p99Ms: percentile(dev, 99), maxMs: dev.length ? dev.reduce((a, b) => Math.max(a, b), 0) : NaN };
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
