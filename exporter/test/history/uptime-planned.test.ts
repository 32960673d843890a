/*
 * Issue 19, acceptance 5: the uptime bars count planned time apart. A hand-computed day: the
 * numbers below are worked out from the timeline by hand, not by the code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { State } from '@statusgraph/core';
import { HistoryStore } from '../../src/history/store.js';
import { storeUptime } from '../../src/history/index.js';
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
    store.close();
    // By hand: observed 6 h = 21,600 s; planned 02:10-03:00 = 3,000 s; down 03:00-03:05 (major,
    // 300 s) and 05:00-05:15 (partial, 900 s); operational the rest: 21,600 - 3,000 - 300 - 900 = 17,400 s.
    expect(report.components[0]!.days).toEqual([{
      day: '2026-11-30', observed: 21_600, seconds: [17_400, 0, 900, 300], planned: 3_000, worst: 'major_outage',
    }]);
    // Availability leaves planned time out: 17,400 / (21,600 - 3,000) = 0.935483...
    expect(report.components[0]!.availability).toBeCloseTo(17_400 / 18_600, 12);
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
