import { describe, it, expect } from 'vitest';
import { episodes, incidents, meanTimeToRecovery, overallUptime, slowestAgainstBaseline, causesAt, change, type Point, type ComponentEpisode } from '../../src/reports/maths.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const window = { startMs: T0, endMs: T0 + 60 * MIN, stepMs: MIN };

/** Points every minute from T0, one per value; null leaves a gap. */
function series(values: (number | null)[]): Point[] {
  return values.flatMap((v, i) => (v === null ? [] : [[T0 + i * MIN, v] as const]));
}

describe('episodes', () => {
  it('finds each run at or over the threshold with its start, end and worst state', () => {
    const values = Array<number>(61).fill(0);
    for (let i = 10; i < 17; i++) values[i] = 1;
    values[12] = 3;
    for (let i = 30; i < 32; i++) values[i] = 2;
    const found = episodes(series(values), window, 1);
    expect(found).toEqual([
      { startMs: T0 + 10 * MIN, endMs: T0 + 17 * MIN, durationMs: 7 * MIN, worst: 3, ongoing: false, startedBefore: false },
      { startMs: T0 + 30 * MIN, endMs: T0 + 32 * MIN, durationMs: 2 * MIN, worst: 2, ongoing: false, startedBefore: false },
    ]);
    // Only outages at threshold 2.
    expect(episodes(series(values), window, 2).map((e) => e.durationMs)).toEqual([MIN, 2 * MIN]);
  });

  it('marks runs that began before the window and runs still going at its end', () => {
    const values = Array<number>(61).fill(0);
    values[0] = 3; values[1] = 3;
    for (let i = 55; i <= 60; i++) values[i] = 1;
    const [first, last] = episodes(series(values), window, 1);
    expect(first).toMatchObject({ startMs: T0, endMs: T0 + 2 * MIN, startedBefore: true, ongoing: false });
    expect(last).toMatchObject({ startMs: T0 + 55 * MIN, endMs: window.endMs, durationMs: 5 * MIN, ongoing: true, startedBefore: false });
  });

  it('ends an episode at a gap in the data instead of counting unknown time as down', () => {
    const values: (number | null)[] = Array<number | null>(61).fill(0);
    for (let i = 20; i < 25; i++) values[i] = 3;
    for (let i = 25; i < 40; i++) values[i] = null;
    const found = episodes(series(values), window, 2);
    expect(found).toEqual([{ startMs: T0 + 20 * MIN, endMs: T0 + 25 * MIN, durationMs: 5 * MIN, worst: 3, ongoing: false, startedBefore: false }]);
  });

  it('is empty for an operational series and for no data', () => {
    expect(episodes(series(Array<number>(61).fill(0)), window, 1)).toEqual([]);
    expect(episodes([], window, 1)).toEqual([]);
  });
});

describe('incidents and MTTR', () => {
  const ep = (component: string, startMin: number, durMin: number, extra: Partial<ComponentEpisode> = {}): ComponentEpisode => ({
    component, startMs: T0 + startMin * MIN, endMs: T0 + (startMin + durMin) * MIN, durationMs: durMin * MIN, worst: 3, ongoing: false, startedBefore: false, causes: [], ...extra,
  });

  it('counts only outages nothing upstream explains, started in the window', () => {
    const list = [
      ep('postgresql-primary', 10, 12),
      ep('orders', 10, 12, { causes: ['postgresql-primary'] }),
      ep('stripe-api', 40, 4),
      ep('redis', 0, 3, { startedBefore: true }),
    ];
    expect(incidents(list).map((e) => e.component)).toEqual(['postgresql-primary', 'stripe-api']);
  });

  it('MTTR is the mean duration of recovered incidents; ongoing ones are left out', () => {
    expect(meanTimeToRecovery([ep('a', 0, 12), ep('b', 20, 4), ep('c', 50, 10, { ongoing: true })])).toBe(8 * MIN);
    expect(meanTimeToRecovery([ep('c', 50, 10, { ongoing: true })])).toBeUndefined();
    expect(meanTimeToRecovery([])).toBeUndefined();
  });

  it('looks up root causes at a time', () => {
    const index = new Map([['orders', new Map([['postgresql-primary', new Set([T0, T0 + MIN])], ['redis', new Set([T0 + MIN])]])]]);
    expect(causesAt(index, 'orders', T0 + MIN)).toEqual(['postgresql-primary', 'redis']);
    expect(causesAt(index, 'orders', T0)).toEqual(['postgresql-primary']);
    expect(causesAt(index, 'orders', T0 + 2 * MIN)).toEqual([]);
    expect(causesAt(index, 'payments', T0)).toEqual([]);
  });
});

describe('uptime and latency', () => {
  it('overall uptime is the mean of the components, change is the difference', () => {
    expect(overallUptime([1, 0.5, 0.75])).toBeCloseTo(0.75, 12);
    expect(overallUptime([])).toBeUndefined();
    expect(change(0.99, 0.995)).toBeCloseTo(-0.005, 12);
    expect(change(undefined, 0.5)).toBeUndefined();
  });

  it('the slowest component is the one furthest above its own 7-day mean, not the slowest in absolute terms', () => {
    const day = new Map([['db', 0.5], ['api', 0.3], ['cache', 0.002]]);
    const week = new Map([['db', 0.45], ['api', 0.1], ['cache', 0.001]]);
    const s = slowestAgainstBaseline(day, week);
    expect(s?.component).toBe('api');
    expect(s?.ratio).toBeCloseTo(3, 12);
    expect(slowestAgainstBaseline(new Map([['x', 1]]), new Map())).toBeUndefined();
    expect(slowestAgainstBaseline(new Map([['x', 1]]), new Map([['x', 0]]))).toBeUndefined();
  });
});
