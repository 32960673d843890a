/*
 * Durations as people read them, for every part: config messages and probe reasons, incident
 * timelines and Slack, the reports and the status page. One rule, with a few named styles because
 * each output is already public (API reasons, timelines, reports) and must not change.
 */

export interface DurationStyle {
  /** How many units to show at most, counted from the largest non-zero one. Default: all. */
  readonly units?: number;
  /** Between units: ' ' (default, "1h 2m"), or '' ("1m30s", the config's own notation). */
  readonly separator?: string;
  /** Whole seconds by rounding (default), or by truncating so that a duration never reads longer. */
  readonly round?: 'nearest' | 'down';
  /** Keep zero units inside the shown ones ("3m 0s"). Default: dropped ("1h 5s"). */
  readonly zeros?: boolean;
  /** Under a minute, keep the fraction: "500ms", "1.5s". Default: whole seconds. */
  readonly fractions?: boolean;
  /** Hours from which days are used: 24 by default; the status page keeps "47h 10m" up to 48. */
  readonly daysFrom?: number;
}

/** The styles in use, each named by where its output is read. */
export const DURATION_STYLES = {
  /** Incident timelines, summaries and Slack: "1h 2m 3s", "45s", "0s". */
  timeline: {},
  /** Config notation, in config messages and probe reasons: "500ms", "1.5s", "1m30s", "2h". */
  config: { separator: '', fractions: true },
  /** Reports: the two largest non-zero units, never rounded up: "2d 3h", "1h 5m", "3m 12s". */
  report: { units: 2, round: 'down' },
  /** Status page: two units, zeros kept so the width stays steady: "3m 0s", "5h 3m", "2d 4h". */
  page: { units: 2, zeros: true, daysFrom: 48 },
} as const satisfies Readonly<Record<string, DurationStyle>>;

/**
 * A duration in milliseconds as text (see DurationStyle; the default is the timeline style).
 * Negative durations read as 0s; NaN and infinities as "–".
 */
export function formatDuration(ms: number, style: DurationStyle = DURATION_STYLES.timeline): string {
  if (!Number.isFinite(ms)) return '–';
  const clamped = Math.max(0, ms);
  if (style.fractions && clamped < 60_000) {
    if (clamped < 1_000) return `${Math.round(clamped)}ms`;
    const s = clamped / 1_000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  let rest = style.round === 'down' ? Math.floor(clamped / 1_000) : Math.round(clamped / 1_000);
  const useDays = rest >= 3_600 * Math.max(24, style.daysFrom ?? 24);
  const sizes: [string, number][] = [['h', 3_600], ['m', 60], ['s', 1]];
  if (useDays) sizes.unshift(['d', 86_400]);
  const shown: string[] = [];
  let window = style.units ?? 4;
  for (const [unit, size] of sizes) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (shown.length === 0 && n === 0) continue;
    if (window-- <= 0) break;
    if (n > 0 || style.zeros) shown.push(`${n}${unit}`);
  }
  return shown.length > 0 ? shown.join(style.separator ?? ' ') : '0s';
}
