import { z } from 'zod';

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

/** A duration in config: a string like "30s" (or a number of seconds), parsed to milliseconds. */
export const durationSchema = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v * 1_000 : parseDuration(v.trim());
    if (ms === undefined || !Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${String(v)}" (expected e.g. 500ms, 10s, 1m)` });
      return z.NEVER;
    }
    if (ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'duration must be greater than zero' });
      return z.NEVER;
    }
    return ms;
  });
