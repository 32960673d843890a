import { describe, expect, it } from 'vitest';
import { assign, effectiveReplication, moved, probersOf, score, shareOf } from '../../src/cluster/assign.js';

const components = Array.from({ length: 3_000 }, (_, i) => `svc-${i}`);
const names = (n: number) => Array.from({ length: n }, (_, i) => `replica-${i}`);

describe('rendezvous assignment', () => {
  it('gives each component R distinct probers, the same whatever the order of the member list', () => {
    const a = assign(components, names(3), 2);
    const b = assign(components, [...names(3)].reverse(), 2);
    for (const c of components) {
      expect(new Set(a.get(c)).size).toBe(2);
      expect(a.get(c)).toEqual(b.get(c));
    }
  });

  it('spreads the load: each of 3 replicas probes about 2/3 of 3,000 components at R = 2', () => {
    const a = assign(components, names(3), 2);
    for (const m of names(3)) {
      const share = shareOf(m, a).size;
      // Expected 2,000; a binomial spread is ~26, so 10 % is far outside chance.
      expect(share).toBeGreaterThan(1_800);
      expect(share).toBeLessThan(2_200);
    }
  });

  it('moves only the components a joining replica takes: about R/n of them, and it is in each moved set', () => {
    const before = assign(components, names(3), 2);
    const after = assign(components, names(4), 2);
    const m = moved(before, after);
    // Expected 2/4 of 3,000 = 1,500; a full reshuffle would move far more.
    expect(m.length).toBeGreaterThan(1_350);
    expect(m.length).toBeLessThan(1_650);
    for (const c of m) {
      expect(after.get(c)).toContain('replica-3');
      // The newcomer replaced exactly one prober; the other stays.
      expect(after.get(c)!.filter((x) => before.get(c)!.includes(x))).toHaveLength(1);
    }
  });

  it('moves only the leaver\'s components when a replica leaves', () => {
    const before = assign(components, names(4), 2);
    const after = assign(components, names(4).filter((n) => n !== 'replica-1'), 2);
    const m = new Set(moved(before, after));
    for (const c of components) expect(m.has(c)).toBe(before.get(c)!.includes('replica-1'));
  });

  it('uses R = 2 by default, never more than the members', () => {
    expect(effectiveReplication(undefined, 1)).toBe(1);
    expect(effectiveReplication(undefined, 3)).toBe(2);
    expect(effectiveReplication(3, 2)).toBe(2);
    expect(effectiveReplication(3, 5)).toBe(3);
    expect(probersOf('x', names(5), 3)).toHaveLength(3);
  });

  it('scores differ when the names split differently', () => {
    expect(score('ab', 'c')).not.toBe(score('a', 'bc'));
  });
});
