/*
 * The multi-window, multi-burn-rate alerts of the Google SRE workbook (chapter 5, "Alerting on
 * SLOs"), as Sloth and Pyrra generate them: an alert needs the error ratio above the threshold over
 * a long window (it is significant) and a short one (it is still going on, so the alert ends soon
 * after the burn does). Pure data and arithmetic: rules.ts writes the Prometheus rules, tests.ts
 * the promtool cases, both from these.
 */

const HOUR = 3_600_000;

export interface BurnCondition {
  readonly long: string;
  readonly short: string;
  readonly longMs: number;
  readonly shortMs: number;
  /** Share of the whole window's budget this condition spends over `long` when it just fires. */
  readonly budgetShare: number;
}

/**
 * The workbook's table for a 30-day window: 2 % of the budget in 1 h (14.4x) or 5 % in 6 h (6x)
 * pages; 10 % in 3 days (1x) makes a ticket. For another window the burn rate is derived from the
 * same budget shares, factor = share x window / long window, so "2 % of the budget in an hour"
 * holds whatever the window (7 d: 3.36x over 1 h).
 */
export const PAGE: readonly BurnCondition[] = [
  { long: '1h', short: '5m', longMs: HOUR, shortMs: 5 * 60_000, budgetShare: 0.02 },
  { long: '6h', short: '30m', longMs: 6 * HOUR, shortMs: 30 * 60_000, budgetShare: 0.05 },
];
export const TICKET: readonly BurnCondition[] = [
  { long: '3d', short: '6h', longMs: 72 * HOUR, shortMs: 6 * HOUR, budgetShare: 0.1 },
];

/** The burn rate at which `c` fires for an objective over `windowMs` (14.4 for 1 h of 30 d). */
export function burnFactor(c: BurnCondition, windowMs: number): number {
  return (c.budgetShare * windowMs) / c.longMs;
}

/** Every error-ratio window the alerts read, shortest first. */
export const RATIO_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
/** Windows whose ratios are recorded per root cause too: the alerts' attribution windows. */
export const ATTRIBUTION_WINDOWS = ['30m', '6h'] as const;

/** 0.999 for 99.9 (%), without binary noise such as 0.9990000000000001. */
export function ratio(objectivePercent: number): number {
  return Number((objectivePercent / 100).toPrecision(12));
}

/** The error budget of an objective, as a ratio: 0.001 for 99.9 %. */
export function budget(objectivePercent: number): number {
  return Number((1 - objectivePercent / 100).toPrecision(12));
}

/** A Prometheus duration for a window in whole hours: "30d", "36h". */
export function promDuration(ms: number): string {
  const hours = ms / HOUR;
  return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}
