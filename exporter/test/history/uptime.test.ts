import { describe, expect, it } from 'vitest';
import { availability, dailyUptime, normaliseSpans } from '../../src/history/uptime.js';

const DAY = 86_400_000;
const H = 3_600_000;
const D0 = Date.UTC(2026, 10, 1);

describe('dailyUptime', () => {
  it('splits time per state and per UTC day', () => {
    const records = [
      { at: D0 + 20 * H, state: 'operational' as const },
      { at: D0 + 22 * H, state: 'major_outage' as const },
      { at: D0 + DAY + 1 * H, state: 'operational' as const },
    ];
    const days = dailyUptime(records, [{ start: D0, end: D0 + 2 * DAY }], D0, D0 + 2 * DAY);
    expect(days.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02']);
    expect(days[0]!.seconds).toEqual([2 * 3600, 0, 0, 2 * 3600]);
    expect(days[0]!.worst).toBe('major_outage');
    expect(days[1]!.seconds).toEqual([23 * 3600, 0, 0, 3600]);
    expect(availability(days)).toBeCloseTo((25 * 3600) / (28 * 3600));
  });

  it('counts nothing while the exporter was not running', () => {
    const records = [{ at: D0, state: 'operational' as const }];
    const spans = [{ start: D0, end: D0 + H }, { start: D0 + 3 * H, end: D0 + 4 * H }];
    const days = dailyUptime(records, spans, D0, D0 + DAY);
    expect(days[0]!.observed).toBe(2 * 3600);
  });

  it('takes the state in force at the window start from an older record', () => {
    const records = [{ at: D0 - 5 * DAY, state: 'partial_outage' as const }, { at: D0 + H, state: 'operational' as const }];
    const days = dailyUptime(records, [{ start: D0 - 10 * DAY, end: D0 + 2 * H }], D0, D0 + 2 * H);
    expect(days).toHaveLength(1);
    expect(days[0]!.seconds).toEqual([3600, 0, 3600, 0]);
  });

  it('returns no days without records, and availability null', () => {
    expect(dailyUptime([], [{ start: D0, end: D0 + DAY }], D0, D0 + DAY)).toEqual([]);
    expect(availability([])).toBeNull();
  });

  it('merges overlapping spans', () => {
    expect(normaliseSpans([{ start: 5, end: 10 }, { start: 0, end: 6 }, { start: 20, end: 30 }], 0, 25))
      .toEqual([{ start: 0, end: 10 }, { start: 20, end: 25 }]);
  });
});
