import { z } from 'zod';
import { DURATION_STYLES, formatDuration } from '@statusgraph/core';

const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Prometheus-style durations: "500ms", "30s", "1m30s", "2h". Returns milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * UNITS_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) return undefined;
  return total;
}

/** What a wrong value was, for a message; short, and only for keys that hold no secret. */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

/** setTimeout's longest delay (~24.8 days); a longer one fires at once, with a warning. */
const TIMER_MAX_MS = 2 ** 31 - 1;

/**
 * A duration in config: a string like "30s" (or a number of seconds), parsed to milliseconds,
 * between `min` and `max` inclusive.
 */
export function duration(min: number, max: number) {
  return z.unknown().transform((v, ctx) => {
    if (typeof v !== 'string' && typeof v !== 'number') {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, got ${shown(v)}` });
      return z.NEVER;
    }
    const ms = typeof v === 'number' ? v * 1_000 : parseDuration(v.trim());
    if (ms === undefined || !Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 500ms, 30s or 1m30s, got ${shown(v)}` });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${formatDuration(min, DURATION_STYLES.config)} and ${formatDuration(max, DURATION_STYLES.config)}, got ${shown(v)}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** Any positive duration a timer can wait for. */
export const durationSchema = duration(1, TIMER_MAX_MS);
