import { describe, it, expect } from 'vitest';
import { checkTimezone, formatDateTime, formatDate, formatDuration, formatPercent, formatPointsChange, formatSeconds, cell } from '../../src/reports/format.js';

describe('report formatting', () => {
  it('durations keep the two largest units, rounded down', () => {
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration(17 * 60_000)).toBe('17m');
    expect(formatDuration(3_600_000 + 5 * 60_000 + 59_000)).toBe('1h 5m');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2d 3h');
    expect(formatDuration(3_600_000 + 30_000)).toBe('1h');
    expect(formatDuration(999)).toBe('0s');
  });

  it('times are shown in the configured zone, across a DST change', () => {
    const summer = Date.UTC(2026, 6, 1, 7, 30);
    const winter = Date.UTC(2026, 11, 1, 7, 30);
    expect(formatDateTime(summer, 'Europe/Berlin')).toBe('2026-07-01 09:30');
    expect(formatDateTime(winter, 'Europe/Berlin')).toBe('2026-12-01 08:30');
    expect(formatDateTime(winter, 'UTC')).toBe('2026-12-01 07:30');
    expect(formatDate(Date.UTC(2026, 11, 31, 23, 30), 'Asia/Tokyo')).toBe('2027-01-01');
    // Minutes are truncated: 03:12:59 is still 03:12.
    expect(formatDateTime(Date.UTC(2026, 0, 1, 3, 12, 59), 'UTC')).toBe('2026-01-01 03:12');
  });

  it('rejects an unknown timezone with a clear error', () => {
    expect(() => checkTimezone('Mars/Olympus')).toThrow('unknown timezone "Mars/Olympus"');
    expect(checkTimezone('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('percentages, changes, latencies and table cells', () => {
    expect(formatPercent(0.995833)).toBe('99.583%');
    expect(formatPercent(1)).toBe('100.000%');
    expect(formatPointsChange(-0.0031)).toBe('-0.310 pp');
    expect(formatPointsChange(0.0012)).toBe('+0.120 pp');
    expect(formatPointsChange(0)).toBe('±0.000 pp');
    expect(formatSeconds(0.4123)).toBe('412 ms');
    expect(formatSeconds(1.25)).toBe('1.25 s');
    expect(cell('a|b\nc')).toBe('a\\|b c');
  });
});
