import { describe, expect, it } from 'vitest';
import { computeRootCauses } from '../../src/layout/impact.js';
import { type State, STATES } from '@statusgraph/core';
import { OUTAGE_IMPACTED, OUTAGE_STATUS, REFERENCE, ROOT_CAUSE } from '../support/reference.js';

const deps = (pairs: Array<[string, string[]]>) => new Map(pairs);

describe('computeRootCauses', () => {
  it('finds the reference outage: everything downstream of the primary, root cause the primary', () => {
    const states = new Map(REFERENCE.map((c) => [c.name, STATES[OUTAGE_STATUS[c.name]!]]));
    const roots = computeRootCauses(states, new Map(REFERENCE.map((c) => [c.name, [...c.dependsOn]])));
    expect([...roots.keys()].sort()).toEqual([...OUTAGE_IMPACTED].sort());
    // The replica is itself unhealthy, but it has an unhealthy dependency: it is not a root cause.
    for (const r of roots.values()) {
      expect(r).toEqual([ROOT_CAUSE]);
    }
  });

  it('ignores degraded dependencies and reports several independent root causes', () => {
    const states = new Map<string, State>([['app', 'operational'], ['db', 'major_outage'], ['cache', 'partial_outage'], ['cdn', 'degraded']]);
    const roots = computeRootCauses(states, deps([['app', ['db', 'cache', 'cdn']]]));
    expect(roots).toEqual(new Map([['app', ['cache', 'db']]]));
  });

  // The rule is the exporter's (core's computeImpact): on a cycle the walk stops at the edge that
  // closes it, and the member it came back to is the cycle's root cause, for every member too.
  it('terminates on cycles and names the member where the walk closed the cycle', () => {
    const states = new Map<string, State>([['a', 'operational'], ['b', 'major_outage'], ['c', 'major_outage']]);
    const roots = computeRootCauses(states, deps([['a', ['b']], ['b', ['c']], ['c', ['b']]]));
    expect(roots.get('a')).toEqual(['b']);
    expect(roots.get('b')).toEqual(['b']);
    expect(roots.get('c')).toEqual(['b']);
  });

  it('names the unhealthy component furthest upstream even across a healthy one between', () => {
    const states = new Map<string, State>([['app', 'operational'], ['api', 'major_outage'], ['proxy', 'operational'], ['db', 'major_outage']]);
    const roots = computeRootCauses(states, deps([['app', ['api']], ['api', ['proxy']], ['proxy', ['db']]]));
    expect(roots.get('app')).toEqual(['db']);
    expect(roots.get('api')).toEqual(['db']);
  });
});
