import { describe, it, expect } from 'vitest';
import { dailyMarkdown, weeklyMarkdown } from '../../src/reports/markdown.js';
import type { DailyData, WeeklyData } from '../../src/reports/collect.js';
import { sloRow } from '../../src/reports/slo.js';

const MIN = 60_000;
const END = Date.UTC(2026, 10, 21, 8, 0, 0); // 09:00 in Berlin
const window = { startMs: END - 1440 * MIN, endMs: END, stepMs: MIN };

describe('daily markdown', () => {
  const data: DailyData = {
    kind: 'daily',
    window,
    components: [
      { component: 'orders', tier: 'service', state: 1, uptime: 0.99 },
      { component: 'postgresql-primary', tier: 'infrastructure', state: 3, uptime: 0.98 },
      { component: 'stripe-api', tier: 'third-party', state: 0, uptime: 1 },
    ],
    overallUptime: 0.99,
    episodes: [
      { component: 'postgresql-primary', startMs: END - 300 * MIN, endMs: END - 283 * MIN, durationMs: 17 * MIN, worst: 3, ongoing: false, startedBefore: false, causes: [] },
      { component: 'orders', startMs: END - 300 * MIN, endMs: END - 283 * MIN, durationMs: 17 * MIN, worst: 3, ongoing: false, startedBefore: false, causes: ['postgresql-primary'] },
      { component: 'orders', startMs: END - 10 * MIN, endMs: END, durationMs: 10 * MIN, worst: 1, ongoing: true, startedBefore: false, causes: [] },
    ],
    slowest: { component: 'orders', daySeconds: 0.412, baselineSeconds: 0.196, ratio: 0.412 / 0.196 },
  };

  it('has the overall state, the uptime table, each episode with start and duration, and the slowest component', () => {
    const md = dailyMarkdown(data, 'Europe/Berlin');
    expect(md).toContain('# statusgraph daily report, 2026-11-21');
    expect(md).toContain('Window: 2026-11-20 09:00 to 2026-11-21 09:00 (Europe/Berlin)');
    expect(md).toContain('**Overall: Major outage**: postgresql-primary (major outage), orders (degraded).');
    expect(md).toContain('Overall: 99.000%');
    expect(md).toContain('| postgresql-primary | infrastructure | Major outage | 98.000% |');
    expect(md).toContain('| postgresql-primary | Major outage | 2026-11-21 04:00 | 17m |  |');
    expect(md).toContain('| orders | Major outage | 2026-11-21 04:00 | 17m | dependency: postgresql-primary |');
    expect(md).toContain('| orders | Degraded | 2026-11-21 08:50 | 10m (ongoing) |  |');
    expect(md).toContain('Slowest against its 7-day baseline: **orders**, 412 ms mean over 24 h, 2.10x its 7-day mean of 196 ms.');
  });

  it('says so when all is well and when there is no data', () => {
    const ok = dailyMarkdown({ ...data, components: data.components.map((c) => ({ ...c, state: 0 })), episodes: [], slowest: undefined }, 'UTC');
    expect(ok).toContain('**Overall: Operational**: all 3 components operational.');
    expect(ok).toContain('None in the last 24 h.');
    expect(ok).toContain('No latency data.');
    const empty = dailyMarkdown({ kind: 'daily', window, components: [], episodes: [] }, 'UTC');
    expect(empty).toContain('**Overall: Unknown**');
    expect(empty).toContain('Overall: no data');
  });
});

describe('weekly markdown', () => {
  const week = { startMs: END - 7 * 1440 * MIN, endMs: END, stepMs: MIN };
  const inc = (component: string, dur: number) => ({ component, startMs: END - 3000 * MIN, endMs: END - (3000 - dur) * MIN, durationMs: dur * MIN, worst: 3, ongoing: false, startedBefore: false, causes: [] });
  const data: WeeklyData = {
    kind: 'weekly',
    window: week,
    components: [
      { component: 'orders', tier: 'service', state: 0, uptime: 0.995, previousUptime: 0.999 },
      { component: 'redis-cache', tier: 'infrastructure', state: 0, uptime: 1, previousUptime: undefined },
    ],
    overallUptime: 0.9975,
    previousOverallUptime: 0.999,
    incidents: [inc('orders', 12), inc('redis-cache', 4)],
    previousIncidents: [inc('orders', 30)],
    mttrMs: 8 * MIN,
    previousMttrMs: 30 * MIN,
    slo: [
      sloRow('checkout', 0.999, 30 * 1440 * MIN, 100_000, 99_962, [
        { cause: 'upstream', rootCause: 'postgresql-primary', rounds: 31 }, { cause: 'own', rootCause: 'checkout', rounds: 7 },
      ]),
      sloRow('redis-cache', 0.9995, 30 * 1440 * MIN, 100_000, 100_000, []),
    ],
    noise: {
      channels: { '#engineering': 3, '#on-call': 5 },
      previousChannels: { '#engineering': 6, '#on-call': 4 },
      components: [{ component: 'orders', engineering: 2, onCall: 1, incidents: 1 }],
      flapping: [{ component: 'orders', changes: 12 }, { component: 'redis-cache', changes: 1 }],
    },
  };

  it('has uptime per component with the change, incidents and MTTR against the previous week', () => {
    const md = weeklyMarkdown(data, 'UTC');
    expect(md).toContain('# statusgraph weekly report, week to 2026-11-21');
    expect(md).toContain('- Overall uptime: 99.750% (previous week: 99.900%, change: -0.150 pp)');
    expect(md).toContain('- Incidents: 2 (previous week: 1, change: +1)');
    expect(md).toContain('- Mean time to recovery: 8m (previous week: 30m)');
    expect(md).toContain('| orders | service | 99.500% | 99.900% | -0.400 pp |');
    expect(md).toContain('| redis-cache | infrastructure | 100.000% | no data | n/a |');
    expect(md).toContain('| orders | Major outage | 2026-11-19 06:00 | 12m |');
  });

  it('has the SLO section: objective, achieved, budget burned and left, and who burned it', () => {
    const md = weeklyMarkdown(data, 'UTC');
    expect(md).toContain('## Service level objectives');
    expect(md).toContain('| checkout | 99.900% | 30d | 99.962% | 38.00 % | 62.00 % |');
    expect(md).toContain('| redis-cache | 99.950% | 30d | 100.000% | 0.00 % | 100.00 % |');
    expect(md).toContain('- checkout burned 38.00 % of its 30-day budget: 31.00 % caused by postgresql-primary, 7.00 % own');
    expect(md).not.toContain('- redis-cache burned');
    const none = weeklyMarkdown({ ...data, slo: [] }, 'UTC');
    expect(md).toContain('Alert firings that reached Slack: #engineering 3 (previous week: 6), #on-call 5 (previous week: 4).');
    expect(md).toContain('| orders | 2 | 1 | 1 |');
    expect(md).toContain('Most flapping: orders (12 state changes), redis-cache (1 state change).');
    expect(none).toContain('No objectives');
  });

  it('a quiet week', () => {
    const md = weeklyMarkdown({ ...data, incidents: [], mttrMs: undefined }, 'UTC');
    expect(md).toContain('- Incidents: 0 (previous week: 1, change: -1)');
    expect(md).toContain('- Mean time to recovery: n/a (nothing recovered) (previous week: 30m)');
    expect(md).toContain('None this week.');
  });
});
