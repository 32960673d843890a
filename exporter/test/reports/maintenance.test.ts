import { describe, expect, it } from 'vitest';
import { dayWindows } from '../../src/reports/maintenance.js';
import { dailyMarkdown } from '../../src/reports/markdown.js';

const END = Date.UTC(2026, 10, 30, 9, 0, 0);
const MIN = 60_000;
const pts = (from: number, to: number, step = MIN): [number, number][] => {
  const out: [number, number][] = [];
  for (let t = from; t <= to; t += step) out.push([t, 1]);
  return out;
};

describe('daily report: the day\'s maintenance windows', () => {
  it('lists each window once with its components, start and duration, oldest first', () => {
    const series = [
      { labels: { window: 'pg-upgrade', component: 'postgresql-primary' }, points: pts(END - 7 * 60 * MIN, END - 7 * 60 * MIN + 29 * MIN) },
      { labels: { window: 'pg-upgrade', component: 'orders' }, points: pts(END - 7 * 60 * MIN, END - 7 * 60 * MIN + 29 * MIN) },
      { labels: { window: 'mw-0a1b2c3d4e5f', component: 'worker' }, points: pts(END - 10 * MIN, END) },
      { labels: { window: 'never', component: 'x' }, points: [[END, 0]] as [number, number][] },
    ];
    const windows = dayWindows(series, END, MIN);
    expect(windows).toEqual([
      { window: 'pg-upgrade', components: ['orders', 'postgresql-primary'], startMs: END - 7 * 60 * MIN, endMs: END - 7 * 60 * MIN + 30 * MIN, ongoing: false },
      { window: 'mw-0a1b2c3d4e5f', components: ['worker'], startMs: END - 10 * MIN, endMs: END, ongoing: true },
    ]);
    const md = dailyMarkdown({ kind: 'daily', window: { startMs: END - 1_440 * MIN, endMs: END, stepMs: MIN }, components: [], episodes: [], maintenance: windows }, 'UTC');
    expect(md).toContain('## Maintenance windows\n\n| window | components | start | duration |\n|---|---|---|---|\n'
      + '| pg-upgrade | orders, postgresql-primary | 2026-11-30 02:00 | 30m |\n| mw-0a1b2c3d4e5f | worker | 2026-11-30 08:50 | 10m (ongoing) |\n');
  });

  it('says none when no window was seen', () => {
    const md = dailyMarkdown({ kind: 'daily', window: { startMs: END - 1_440 * MIN, endMs: END, stepMs: MIN }, components: [], episodes: [] }, 'UTC');
    expect(md).toContain('## Maintenance windows\n\nNone in the last 24 h.\n');
  });
});
