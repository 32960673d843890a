import { describe, expect, it } from 'vitest';
import { computeImpact, findCycle, transitiveDependents } from '@statusgraph/core';

// orders -> db, cache; gateway -> orders, payments; payments -> db, stripe; frontend -> gateway; replica -> db
const edges = new Map<string, string[]>([
  ['db', []],
  ['replica', ['db']],
  ['cache', []],
  ['stripe', []],
  ['orders', ['db', 'cache']],
  ['payments', ['db', 'stripe']],
  ['gateway', ['orders', 'payments']],
  ['frontend', ['gateway']],
]);

describe('graph', () => {
  it('marks every transitive dependent of an unhealthy component impacted, with it as root cause', () => {
    const impact = computeImpact(edges, (n) => n === 'db');
    expect(impact.get('db')).toEqual({ impacted: false, rootCauses: [] });
    for (const n of ['replica', 'orders', 'payments', 'gateway', 'frontend']) {
      expect(impact.get(n), n).toEqual({ impacted: true, rootCauses: ['db'] });
    }
    expect(impact.get('cache')!.impacted).toBe(false);
    expect(impact.get('stripe')!.impacted).toBe(false);
  });

  it('names the unhealthy component furthest upstream, not the nearest', () => {
    const impact = computeImpact(edges, (n) => n === 'db' || n === 'orders' || n === 'gateway');
    expect(impact.get('frontend')!.rootCauses).toEqual(['db']);
    expect(impact.get('gateway')!.rootCauses).toEqual(['db']);
    expect(impact.get('orders')!.rootCauses).toEqual(['db']);
  });

  it('lists several root causes when independent paths fail', () => {
    const impact = computeImpact(edges, (n) => n === 'cache' || n === 'stripe');
    expect(impact.get('gateway')!.rootCauses).toEqual(['cache', 'stripe']);
    expect(impact.get('orders')!.rootCauses).toEqual(['cache']);
    expect(impact.get('payments')!.rootCauses).toEqual(['stripe']);
    expect(impact.get('replica')!.impacted).toBe(false);
  });

  it('a failing middle component is the root cause for those above it only', () => {
    const impact = computeImpact(edges, (n) => n === 'orders');
    expect(impact.get('gateway')!.rootCauses).toEqual(['orders']);
    expect(impact.get('frontend')!.rootCauses).toEqual(['orders']);
    expect(impact.get('orders')!.impacted).toBe(false);
    expect(impact.get('db')!.impacted).toBe(false);
  });

  it('nothing is impacted when all are healthy', () => {
    const impact = computeImpact(edges, () => false);
    expect([...impact.values()].every((i) => !i.impacted)).toBe(true);
  });

  it('finds transitive dependents (blast radius)', () => {
    expect(transitiveDependents(edges).get('db')).toEqual(['frontend', 'gateway', 'orders', 'payments', 'replica']);
    expect(transitiveDependents(edges).get('frontend')).toEqual([]);
  });

  it('finds and names a cycle, and none in a DAG', () => {
    expect(findCycle(edges)).toBeUndefined();
    const cyclic = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
  });
});
