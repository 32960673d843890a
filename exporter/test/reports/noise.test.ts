import { describe, expect, it } from 'vitest';
import { channelOf, countFirings } from '../../src/reports/noise.js';

const MIN = 60_000;
const window = { startMs: 0, endMs: 60 * MIN, stepMs: MIN };
/** A firing ALERTS series present at the given minutes. */
const series = (labels: Record<string, string>, minutes: number[]) => ({ labels, points: minutes.map((m) => [m * MIN, 1] as [number, number]) });

describe('noise: alert firings per channel and component', () => {
  it('routes like alertmanager.yml: impacted critical nowhere, critical to #engineering, the rest to #on-call', () => {
    expect(channelOf({ severity: 'critical', impacted: 'false' })).toBe('#engineering');
    expect(channelOf({ severity: 'critical', impacted: 'true' })).toBeUndefined();
    expect(channelOf({ severity: 'critical' })).toBe('#engineering');
    expect(channelOf({ severity: 'warning', impacted: 'true' })).toBe('#on-call');
    expect(channelOf({})).toBe('#on-call');
  });

  it('counts each start of a firing inside the window once, not one already firing at its start', () => {
    const r = countFirings([
      // Fires twice (a gap of 5 minutes between), already firing at the start: 2 new firings.
      series({ alertname: 'StatusgraphMajorOutage', severity: 'critical', impacted: 'false', component: 'db' }, [0, 1, 2, 10, 11, 20, 21, 22]),
      series({ alertname: 'StatusgraphMajorOutage', severity: 'critical', impacted: 'true', component: 'api' }, [10, 11]),
      series({ alertname: 'StatusgraphDegraded', severity: 'warning', component: 'api' }, [30, 31]),
    ], window);
    expect(r.channels).toEqual({ '#engineering': 2, '#on-call': 1 });
    expect(Object.fromEntries(r.byComponent)).toEqual({ db: { engineering: 2, onCall: 0 }, api: { engineering: 0, onCall: 1 } });
  });
});
