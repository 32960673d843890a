/*
 * Maintenance windows as time (issue 19): the typed window and the schedule maths, pure. Used by
 * the config checks (overlaps, a cron that never fires) and by maintenance/ at run time.
 */
import { Cron } from 'croner';

/** When a window is: once (start, end) or each time a cron fires, for a duration, in a time zone. */
export type WindowSchedule =
  | { readonly kind: 'once'; readonly startMs: number; readonly endMs: number }
  | { readonly kind: 'cron'; readonly cron: string; readonly durationMs: number; readonly timezone: string };

/** A maintenance window, from the config or created at run time. */
export interface WindowConfig {
  /** [a-z0-9-]+; run-time windows get `mw-` and a random part. */
  readonly id: string;
  /** Plain words, shown on the internal page and announced on audience pages. */
  readonly title: string;
  readonly description?: string;
  /** Internal component names, sorted and unique. */
  readonly components: readonly string[];
  /** End early once every component in it has been healthy for this many of its rounds (after a failure in the window). */
  readonly recoverAfter?: number;
  readonly schedule: WindowSchedule;
}

export interface MaintenanceConfig {
  /** The longest a window (or one occurrence of a recurring one) may last. */
  readonly maxDurationMs: number;
  readonly windows: readonly WindowConfig[];
}

export const MAINTENANCE_DEFAULTS: MaintenanceConfig = Object.freeze({ maxDurationMs: 24 * 3_600_000, windows: Object.freeze([]) });

/** One occurrence of a window: [startMs, endMs). */
export interface Occurrence {
  readonly startMs: number;
  readonly endMs: number;
}

const crons = new WeakMap<WindowSchedule, Cron>();

function cronOf(s: Extract<WindowSchedule, { kind: 'cron' }>): Cron {
  let c = crons.get(s);
  if (!c) {
    c = new Cron(s.cron, { paused: true, timezone: s.timezone });
    crons.set(s, c);
  }
  return c;
}

/** The first start strictly after `t` (epoch ms), or undefined when there is none. */
function nextStart(s: WindowSchedule, t: number): number | undefined {
  if (s.kind === 'once') return s.startMs > t ? s.startMs : undefined;
  return cronOf(s).nextRun(new Date(t))?.getTime();
}

function durationOf(s: WindowSchedule): number {
  return s.kind === 'once' ? s.endMs - s.startMs : s.durationMs;
}

/**
 * The occurrence covering `t`, if any. Occurrences of one window never overlap (the config refuses
 * a duration longer than the gap between two starts), so the only candidate is the first start
 * after t - duration.
 */
export function occurrenceAt(s: WindowSchedule, t: number): Occurrence | undefined {
  const d = durationOf(s);
  const start = nextStart(s, t - d - 1);
  return start !== undefined && start <= t && t < start + d ? { startMs: start, endMs: start + d } : undefined;
}

/** Occurrences that end after `from` and start before `to`, at most `limit`, in order. */
export function occurrencesBetween(s: WindowSchedule, from: number, to: number, limit: number): Occurrence[] {
  const d = durationOf(s);
  const out: Occurrence[] = [];
  let start = nextStart(s, from - d - 1);
  while (start !== undefined && start < to && out.length < limit) {
    if (start + d > from) out.push({ startMs: start, endMs: start + d });
    start = nextStart(s, start);
  }
  return out;
}

/**
 * Why a recurring schedule is unusable, or undefined: a cron that never fires within a year (30 Feb,
 * or an unknown zone), or a duration longer than the gap between two of its starts (occurrences of
 * one window would overlap). Checks the starts of the coming year, at most 1,000 of them.
 */
export function scheduleProblem(s: WindowSchedule, now: number): string | undefined {
  if (s.kind === 'once') return undefined;
  const starts = occurrencesBetween(s, now, now + 366 * 86_400_000, 1_000).map((o) => o.startMs);
  if (starts.length === 0) return `cron "${s.cron}" never fires within a year`;
  for (let i = 1; i < starts.length; i++) {
    const gap = starts[i]! - starts[i - 1]!;
    if (gap < s.durationMs) return `duration is longer than the ${Math.round(gap / 60_000)} minutes between two starts of "${s.cron}" (occurrences would overlap)`;
  }
  return undefined;
}

/**
 * Where and when two windows meet, "on db, orders at 2026-12-03T02:30:00.000Z", for every overlap
 * error (config, reload, API). Components are sorted in both, so either order gives the same text.
 */
export function meetingText(a: WindowConfig, b: WindowConfig, o: Occurrence): string {
  return `on ${a.components.filter((c) => b.components.includes(c)).join(', ')} at ${new Date(o.startMs).toISOString()}`;
}

/**
 * The first overlap of two windows that share a component, over the coming year (1,000 occurrences
 * each at most): the occurrence of `b` that meets one of `a`, or undefined.
 */
export function overlap(a: WindowConfig, b: WindowConfig, now: number): Occurrence | undefined {
  if (!a.components.some((c) => b.components.includes(c))) return undefined;
  const horizon = now + 366 * 86_400_000;
  const from = Math.min(now, a.schedule.kind === 'once' ? a.schedule.startMs : now, b.schedule.kind === 'once' ? b.schedule.startMs : now);
  const as = occurrencesBetween(a.schedule, from, horizon, 1_000);
  const bs = occurrencesBetween(b.schedule, from, horizon, 1_000);
  let i = 0;
  let j = 0;
  while (i < as.length && j < bs.length) {
    const x = as[i]!;
    const y = bs[j]!;
    if (x.startMs < y.endMs && y.startMs < x.endMs) return y;
    if (x.endMs <= y.endMs) i++;
    else j++;
  }
  return undefined;
}
