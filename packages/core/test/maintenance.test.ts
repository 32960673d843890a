import { describe, expect, it } from 'vitest';
import { computeEffects, computePlanned, hardEdges, type State } from '../src/index.js';

// The reference topology's slice of issue 19: the primary under orders, payments and worker, and a
// cache of its own under orders.
const EDGES = new Map<string, readonly string[]>([
  ['postgresql-primary', []],
  ['redis-cache', []],
  ['orders', ['postgresql-primary', 'redis-cache']],
  ['payments', ['postgresql-primary']],
  ['worker', ['postgresql-primary']],
  ['checkout', ['orders', 'payments']],
]);

function planned(states: Record<string, State>, windows: readonly string[]) {
  const stateOf = (n: string) => states[n] ?? 'operational';
  const impact = computeEffects(hardEdges(EDGES), stateOf);
  return computePlanned(impact, stateOf, (n) => windows.includes(n));
}

describe('planned impact (core rule)', () => {
  it('a primary down in its window: it and every dependent it takes down are planned', () => {
    const p = planned({ 'postgresql-primary': 'major_outage', orders: 'major_outage', payments: 'major_outage', worker: 'partial_outage', checkout: 'major_outage' }, ['postgresql-primary']);
    expect(p.get('postgresql-primary')).toEqual({ underMaintenance: true, plannedRootCauses: [], planned: true });
    for (const n of ['orders', 'payments', 'worker', 'checkout']) {
      expect(p.get(n)).toEqual({ underMaintenance: false, plannedRootCauses: ['postgresql-primary'], planned: true });
    }
  });

  it('the cache failing for its own reason during the window stays a normal outage, and so does what it alone explains', () => {
    const p = planned({ 'postgresql-primary': 'major_outage', 'redis-cache': 'major_outage', orders: 'major_outage', payments: 'major_outage' }, ['postgresql-primary']);
    expect(p.get('redis-cache')).toEqual({ underMaintenance: false, plannedRootCauses: [], planned: false });
    // orders has a planned and an unplanned root cause: not planned.
    expect(p.get('orders')).toEqual({ underMaintenance: false, plannedRootCauses: ['postgresql-primary'], planned: false });
    expect(p.get('payments')!.planned).toBe(true);
  });

  it('a component in a window that fails because of an unplanned upstream is not planned', () => {
    const p = planned({ 'postgresql-primary': 'major_outage', orders: 'major_outage' }, ['orders']);
    expect(p.get('orders')).toEqual({ underMaintenance: true, plannedRootCauses: [], planned: false });
  });

  it('a healthy component under maintenance is shown under maintenance, with nothing planned to count', () => {
    const p = planned({}, ['postgresql-primary']);
    expect(p.get('postgresql-primary')).toEqual({ underMaintenance: true, plannedRootCauses: [], planned: false });
    expect(p.get('orders')!.planned).toBe(false);
  });

  it('a degraded dependent of a planned outage is not counted as a planned outage (it is not down)', () => {
    const p = planned({ 'postgresql-primary': 'major_outage', orders: 'degraded' }, ['postgresql-primary']);
    expect(p.get('orders')).toEqual({ underMaintenance: false, plannedRootCauses: ['postgresql-primary'], planned: false });
  });
});
