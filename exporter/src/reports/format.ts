/** Number, duration and time formatting shared by the markdown of both reports. */
import { DURATION_STYLES, formatDuration as formatDurationIn, formatSeconds as formatLatency } from '@statusgraph/core';

/** Throws a clear error for a zone Intl does not know; returns it otherwise. */
export function checkTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new Error(`unknown timezone "${timezone}" (expected an IANA name such as Europe/Berlin or UTC)`);
  }
  return timezone;
}

function parts(ms: number, timezone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

/** "2026-11-21 03:12" in the zone (minutes truncated, never rounded up). */
export function formatDateTime(ms: number, timezone: string): string {
  const p = parts(ms, timezone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function formatDate(ms: number, timezone: string): string {
  const p = parts(ms, timezone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "2d 3h", "1h 5m", "17m", "3m 12s", "45s": the two largest non-zero units, rounded down to the second. */
export function formatDuration(ms: number): string {
  return formatDurationIn(ms, DURATION_STYLES.report);
}

/** 0.99583 -> "99.583%". */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(3)}%`;
}

/** A difference of two ratios in percentage points: "+0.120 pp", "-1.500 pp", "±0.000 pp". */
export function formatPointsChange(delta: number): string {
  const pp = delta * 100;
  const text = Math.abs(pp).toFixed(3);
  if (text === '0.000') return '±0.000 pp';
  return `${pp > 0 ? '+' : '-'}${text} pp`;
}

/** Latency: "412 ms" under a second, "1.25 s" above. */
export function formatSeconds(seconds: number): string {
  return formatLatency(seconds, { precision: 'fixed' });
}

/** Keeps a component name from breaking a markdown table. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
