/*
 * Issue 19, acceptance 5: the uptime bars count planned time apart, in the store, over the wire
 * (GET /api/v1/uptime) and on the internal page. A hand-computed day: the numbers below are worked
 * out from the timeline by hand, not by the code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { State } from '@statusgraph/core';
import { HistoryStore } from '../../src/history/store.js';
import { storeUptime } from '../../src/history/index.js';
import { problemPeriods } from '../../src/history/day.js';
import { uptimeView } from '../../src/statuspage/views.js';
import { addToDay, availabilityOf, budgetLeft, daySlots, type DayRow } from '../../static/src/model.js';
import { snapshot } from '../incidents/fixtures.js';
import { tempDir } from '../incidents/support.js';

const DAY = Date.UTC(2026, 10, 30);
const at = (hh: number, mm = 0) => DAY + (hh * 60 + mm) * 60_000;

describe('uptime bars with maintenance windows', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

  it('counts a planned outage apart from downtime, and an overrun after the window as downtime', () => {
    const dir = tempDir('sg-uptime-planned-');
    dirs.push(dir);
    const clock = { t: at(0) };
    const store = new HistoryStore({ dataDir: dir.path, now: () => clock.t, touchEveryMs: 1 });
    // Timeline of db (UTC, 30 Nov; the exporter runs from 00:00 to 06:00):
    //   00:00 operational
    //   02:00 window pg-upgrade begins (nothing changes: db is still up)
    //   02:10 major outage, planned (in the window)
    //   03:00 window ends, db still down: the same outage, now unplanned (an overrun)
    //   03:05 operational
    //   05:00 partial outage (its own fault), 05:15 operational
    const steps: [number, State, boolean][] = [
      [at(0), 'operational', false], [at(2), 'operational', true], [at(2, 10), 'major_outage', true],
      [at(3), 'major_outage', false], [at(3, 5), 'operational', false], [at(5), 'partial_outage', false], [at(5, 15), 'operational', false],
    ];
    let since = at(0);
    let last: State = 'operational';
    for (const [t, state, windowed] of steps) {
      clock.t = t;
      if (state !== last) since = t;
      last = state;
      store.record(snapshot({ db: [] }, { db: state }, { at: t, since: { db: since }, windows: windowed ? ['db'] : [] }));
    }
    clock.t = at(6);
    store.record(snapshot({ db: [] }, { db: 'operational' }, { at: at(6), since: { db: at(5, 15) }, windows: [] }));
    const report = storeUptime(store, ['db'], 1, at(6));
    const { records, spans } = store.changes('db', at(0), at(6));
    store.close();
    // By hand: observed 6 h = 21,600 s; planned 02:10-03:00 = 3,000 s; down 03:00-03:05 (major,
    // 300 s) and 05:00-05:15 (partial, 900 s); operational the rest: 21,600 - 3,000 - 300 - 900 = 17,400 s.
    expect(report.components[0]!.days).toEqual([{
      day: '2026-11-30', observed: 21_600, seconds: [17_400, 0, 900, 300], planned: 3_000, worst: 'major_outage',
    }]);
    // Availability leaves planned time out: 17,400 / (21,600 - 3,000) = 0.935483...
    expect(report.components[0]!.availability).toBeCloseTo(17_400 / 18_600, 12);

    // The same numbers over the wire (GET /api/v1/uptime's row, planned last) and as the internal
    // page reads them: its bar, its availability and its budget note leave planned time out too.
    const row = uptimeView(report).components[0]!.days[0] as DayRow;
    expect(row).toEqual(['2026-11-30', 21_600, 17_400, 0, 900, 300, 3_000]);
    expect(daySlots([row], at(6), 1)).toEqual([{ day: '2026-11-30', worst: 'major_outage', availability: 17_400 / 18_600, planned: 3_000 }]);
    expect(availabilityOf([row])).toBeCloseTo(17_400 / 18_600, 12);
    // 1,200 s down of 18,600 measured against a 99 % objective's 186 s: overspent 6.45 times.
    expect(budgetLeft([row], 99, 1, at(6))).toBeCloseTo(1 - (1_200 / 18_600) / 0.01, 9);
    // The opened day marks the planned outage, and only it.
    expect(problemPeriods(records, spans, at(0), at(6), at(6)).map((p) => [p.state, p.from, p.to, p.planned ?? false])).toEqual([
      ['major_outage', at(2, 10), at(3), true], ['major_outage', at(3), at(3, 5), false], ['partial_outage', at(5), at(5, 15), false],
    ]);
  });

  it('the page extends today with live planned time the way the server counts it', () => {
    // 02:10-03:00 planned major outage (3,000 s), then 5 minutes of overrun, then 10 minutes up.
    let rows: DayRow[] = [['2026-11-30', 7_800, 7_800, 0, 0, 0]];
    rows = addToDay(rows, at(3), 'major_outage', 3_000, true);
    rows = addToDay(rows, at(3, 5), 'major_outage', 300, false);
    rows = addToDay(rows, at(3, 15), 'operational', 600, false);
    // A degraded component is never planned work: its time stays degraded (core's plannedOf needs an outage).
    rows = addToDay(rows, at(3, 20), 'degraded', 60, true);
    expect(rows).toEqual([['2026-11-30', 11_760, 8_400, 60, 0, 300, 3_000]]);
    expect(availabilityOf(rows)).toBeCloseTo(8_460 / 8_760, 12);
  });

  it('without windows nothing is planned and the day reads as before', () => {
    const dir = tempDir('sg-uptime-planned-');
    dirs.push(dir);
    const clock = { t: at(0) };
    const store = new HistoryStore({ dataDir: dir.path, now: () => clock.t, touchEveryMs: 1 });
    store.record(snapshot({ db: [] }, { db: 'operational' }, { at: at(0) }));
    clock.t = at(1);
    store.record(snapshot({ db: [] }, { db: 'major_outage' }, { at: at(1) }));
    clock.t = at(2);
    store.record(snapshot({ db: [] }, { db: 'operational' }, { at: at(2) }));
    const report = storeUptime(store, ['db'], 1, at(2));
    store.close();
    expect(report.components[0]!.days).toEqual([{ day: '2026-11-30', observed: 7_200, seconds: [3_600, 0, 0, 3_600], planned: 0, worst: 'major_outage' }]);
    expect(report.components[0]!.availability).toBe(0.5);
  });
});
