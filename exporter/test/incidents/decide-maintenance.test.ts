import { describe, expect, it } from 'vitest';
import { decide } from '../../src/incidents/decide.js';
import type { State } from '@statusgraph/core';
import type { Snapshot } from '../../src/engine/snapshot.js';
import { changesBetween, snapshot, type Topology } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
// Issue 19's example: the primary under orders, payments and worker; orders also on its cache.
const TOPO: Topology = { 'postgresql-primary': [], 'redis-cache': [], orders: ['postgresql-primary', 'redis-cache'], payments: ['postgresql-primary'], worker: ['postgresql-primary'] };
const WORK = ['postgresql-primary'];
const DOWN: Record<string, State> = { 'postgresql-primary': 'major_outage', orders: 'major_outage', payments: 'major_outage', worker: 'major_outage' };

/** Runs decide over snapshots in turn, as the service does; returns each step's actions but timeline entries. */
function run(steps: readonly { states: Record<string, State>; windows: readonly string[] }[]): string[][] {
  let previous = new Map<string, State>();
  let before: Snapshot | undefined;
  const out: string[][] = [];
  steps.forEach((step, i) => {
    const snap = snapshot(TOPO, step.states, { at: T0 + i * 30_000, seq: i + 1, windows: step.windows });
    const r = decide({ open: [], snapshot: snap, changes: changesBetween(before, snap), previous });
    out.push(r.actions.filter((a) => a.type !== 'entry').map((a) => (a.type === 'open' ? `open ${a.rootCause}` : a.type)));
    previous = new Map(r.states);
    before = snap;
  });
  return out;
}

describe('automatic incidents and maintenance windows (issue 19)', () => {
  it('opens nothing for the primary down in its window and for what it takes down, nor when it recovers after', () => {
    expect(run([
      { states: {}, windows: WORK },
      { states: DOWN, windows: WORK },
      { states: DOWN, windows: WORK },
      { states: {}, windows: WORK },
      { states: {}, windows: [] },
    ])).toEqual([[], [], [], [], []]);
  });

  it('opens an incident as usual for the cache failing for its own reason during the window', () => {
    const steps = run([
      { states: {}, windows: WORK },
      { states: { ...DOWN, 'redis-cache': 'major_outage' }, windows: WORK },
    ]);
    // orders has two root causes (the planned primary and the cache): not planned, it joins the cache's.
    expect(steps[1]).toEqual(['open redis-cache', 'join']);
  });

  it('the same outage without a window opens its incident (the window is what keeps it quiet)', () => {
    expect(run([{ states: {}, windows: [] }, { states: DOWN, windows: [] }])[1]).toEqual(['open postgresql-primary', 'join', 'join', 'join']);
  });
  it('opens the primary\'s incident once its outage is no longer planned (an overrun past the engine\'s grace), its dependents joining it', () => {
    expect(run([
      { states: {}, windows: WORK },
      { states: DOWN, windows: WORK },
      { states: DOWN, windows: [] },
      { states: DOWN, windows: [] },
    ])).toEqual([[], [], ['open postgresql-primary', 'join', 'join', 'join'], []]);
  });

  it('a dependent down for a planned and an unplanned root cause opens its incident under the unplanned one, never under planned work', () => {
    // The cache is not in outage yet (partial: no incident of its own), orders already is, for both.
    // Under load the real run had orders decided in a snapshot before the cache's incident opened:
    // the incident took orders' first root cause, the primary under maintenance.
    const steps = run([
      { states: {}, windows: WORK },
      { states: DOWN, windows: WORK },
      { states: { ...DOWN, 'redis-cache': 'partial_outage' }, windows: WORK },
    ]);
    expect(steps).toEqual([[], [], ['open redis-cache']]);
  });

  it('a dependent of the planned primary whose cache fails later joins the cache\'s incident', () => {
    expect(run([
      { states: {}, windows: WORK },
      { states: DOWN, windows: WORK },
      { states: { ...DOWN, 'redis-cache': 'major_outage' }, windows: WORK },
    ])[2]).toEqual(['open redis-cache', 'join']);
  });
});
