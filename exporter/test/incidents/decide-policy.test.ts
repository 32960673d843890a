import { describe, expect, it } from 'vitest';
import { decide } from '../../src/incidents/decide.js';
import type { Action, Incident } from '../../src/incidents/types.js';
import type { Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';
import { changesBetween, snapshot, type Topology } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 21, 7, 0, 0);
const LAG = 'replication lag 12.0s (threshold: 5s)';

/** orders reads from the replica (hard, "read-heavy queries") and caches in redis (soft). */
const TOPOLOGY: Topology = {
  primary: [],
  replica: ['primary'],
  redis: [],
  orders: ['primary', { name: 'replica', strength: 'hard', carries: 'read-heavy queries' }, { name: 'redis', strength: 'soft', carries: 'session cache' }],
  web: ['orders'],
};

/** Snapshots through decide, keeping open incidents as the store would; `openAt` is the policy. */
function run(steps: Record<string, State>[], openAt: Record<string, 'degraded' | 'partial_outage'> = {}) {
  let open: Incident[] = [];
  let previous: ReadonlyMap<string, State> = new Map();
  let before: Snapshot | undefined;
  const perStep: Action[][] = [];
  steps.forEach((states, i) => {
    const snap = snapshot(TOPOLOGY, states, { seq: i + 1, at: T0 + i * 1000, openAt, reasons: { replica: LAG } });
    const out = decide({ open, snapshot: snap, changes: changesBetween(before, snap), previous });
    perStep.push(out.actions);
    for (const a of out.actions) {
      if (a.type === 'open') {
        open.push({ id: open.length + 1, title: a.title, source: 'auto', rootCause: a.rootCause, severity: a.severity, status: 'investigating',
          components: a.components, blastRadius: a.blastRadius, tookDown: a.tookDown, startedAt: a.at, resolvedAt: null, updatedAt: a.at });
      }
      if (a.type === 'resolve') open = open.filter((o) => !('id' in a.ref ? o.id === a.ref.id : o.rootCause === a.ref.root));
    }
    previous = out.states;
    before = snap;
  });
  return { perStep, open };
}

const opened = (actions: readonly Action[]) => actions.filter((a): a is Extract<Action, { type: 'open' }> => a.type === 'open');

describe('incidents by policy (incidents.open_at)', () => {
  it('opens nothing for a degradation by default: major outage opens', () => {
    const { perStep } = run([{}, { replica: 'degraded' }]);
    expect(opened(perStep[1]!)).toEqual([]);
  });

  it('opens one minor incident for a degraded replica set to degraded, naming the lag, the threshold and what it affects', () => {
    const { perStep, open } = run([{}, { replica: 'degraded' }, { replica: 'degraded' }, {}], { replica: 'degraded' });
    const [o, ...more] = opened(perStep[1]!);
    expect(more).toEqual([]);
    expect(o).toMatchObject({ rootCause: 'replica', title: 'replica: Degraded', severity: 'minor', tookDown: ['replica'] });
    expect(o!.entry.text).toBe(`Opened: replica is degraded (${LAG}); root cause replica; blast radius: orders, web; `
      + 'impacted: none; affected: orders, web; affects: read-heavy queries in orders');
    expect(opened(perStep[2]!)).toEqual([]); // still one
    expect(perStep[3]!.map((a) => a.type)).toContain('resolve');
    expect(open).toEqual([]);
  });

  it('keeps one incident per root cause: a degraded dependent affected by it joins, it opens none of its own', () => {
    const { perStep } = run([{}, { replica: 'degraded', orders: 'degraded' }], { replica: 'degraded', orders: 'degraded' });
    expect(opened(perStep[1]!).map((o) => o.rootCause)).toEqual(['replica']);
    expect(perStep[1]!.filter((a) => a.type === 'join').map((a) => (a.type === 'join' ? a.component : ''))).toEqual(['orders']);
  });

  it('lists the affected set apart from the impacted one: a soft cache down affects orders, the primary down impacts it', () => {
    const cache = opened(run([{}, { redis: 'major_outage' }]).perStep[1]!);
    expect(cache.map((o) => o.rootCause)).toEqual(['redis']);
    expect(cache[0]!.entry.text).toContain('impacted: none; affected: orders, web; affects: session cache in orders');
    const primary = opened(run([{}, { primary: 'major_outage' }]).perStep[1]!);
    expect(primary[0]!.entry.text).toContain('impacted: orders, replica, web; affected: none; affects: read-heavy queries in orders');
  });
});
