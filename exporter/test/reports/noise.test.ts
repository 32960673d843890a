import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
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

  it('agrees with every routing case amtool checks on the committed alertmanager.yml (a maintenance window is no alert firing)', () => {
    // test/alerting/alertmanager-config.test.ts runs these cases through amtool: receiver -> channel.
    const file = path.resolve(import.meta.dirname, '../../../alertmanager/tests/routes.yml');
    const cases = (YAML.parse(fs.readFileSync(file, 'utf8')) as { cases: { name: string; labels: Record<string, string>; receiver: string }[] }).cases;
    const channel: Record<string, string | undefined> = { engineering: '#engineering', 'on-call': '#on-call', 'blast-radius': undefined, maintenance: undefined };
    expect(new Set(cases.map((c) => c.receiver))).toEqual(new Set(Object.keys(channel)));
    for (const c of cases) expect(channelOf(c.labels), c.name).toBe(channel[c.receiver]);
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
