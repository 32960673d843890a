import { describe, expect, it } from 'vitest';
import { compareTiers, computeImpact, isUnhealthy, parseState, stateValue, STATES, TIERS, worst } from '../src/index.js';

describe('states', () => {
  it('orders the four states by severity; the index is the metric value', () => {
    expect(STATES.map(stateValue)).toEqual([0, 1, 2, 3]);
    expect(worst('degraded', 'partial_outage')).toBe('partial_outage');
    expect(STATES.filter(isUnhealthy)).toEqual(['partial_outage', 'major_outage']);
    expect(isUnhealthy(undefined)).toBe(false);
  });

  it('parses metric values and names, and nothing else', () => {
    expect(parseState(2)).toBe('partial_outage');
    expect(parseState(' Major outage ')).toBe('major_outage');
    expect(parseState('1')).toBe('degraded');
    expect(parseState(4)).toBeUndefined();
    expect(parseState('down')).toBeUndefined();
  });
});

describe('tiers', () => {
  it('orders the contract tiers first, then others alphabetically', () => {
    expect(['zeta', 'third-party', 'alpha', 'service', 'infrastructure'].sort((a, b) => compareTiers(a, b)))
      .toEqual([...TIERS, 'alpha', 'zeta']);
  });
});

describe('computeImpact on a cycle (only hand-built graphs: the config refuses cycles)', () => {
  it('terminates, and the member where the walk closed the cycle is the root cause', () => {
    const edges = new Map([['a', ['b']], ['b', ['c']], ['c', ['b']]]);
    const impact = computeImpact(edges, (n) => n !== 'a');
    expect([...impact].map(([n, i]) => [n, i.rootCauses])).toEqual([['a', ['b']], ['b', ['b']], ['c', ['b']]]);
  });
});
