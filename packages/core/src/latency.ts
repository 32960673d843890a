/*
 * Latencies as people read them: the panel's labels and tooltips, the reports' tables. A module
 * of its own so that a bundle that needs only this (the panel) carries nothing else: the panel's
 * minifier does not drop unused functions of a module it includes.
 */

export interface LatencyStyle {
  /**
   * 'short' (default): about three significant digits and microseconds for the tiny ones: "850 µs",
   * "42.1 ms", "1.25 s". 'fixed': whole milliseconds, or seconds with two decimals ("412 ms",
   * "1.20 s"), so report tables line up.
   */
  readonly precision?: 'short' | 'fixed';
}

/** A latency in seconds as text; "–" for a negative or non-finite value. */
export function formatSeconds(seconds: number, style: LatencyStyle = {}): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (style.precision === 'fixed') return seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`;
  if (seconds < 0.001) return `${Math.round(seconds * 1_000_000)} µs`;
  if (seconds < 1) return `${significant(seconds * 1000)} ms`;
  return `${significant(seconds)} s`;
}

function significant(v: number): string {
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}
