import { describe, expect, it } from 'vitest';
import { computeRootCauses } from './impact.js';
import type { State } from './states.js';
import { OUTAGE_IMPACTED, OUTAGE_STATUS, REFERENCE, ROOT_CAUSE } from '../test/reference.js';
import { STATES } from './states.js';

const deps = (pairs: Array<[string, string[]]>) => new Map(pairs);

describe('computeRootCauses', () => {
  it('finds the reference outage: everything downstream of the primary, root cause the primary', () => {
    const states = new Map(REFERENCE.map((c) => [c.name, STATES[OUTAGE_STATUS[c.name]!]]));
    const roots = computeRootCauses(states, new Map(REFERENCE.map((c) => [c.name, [...c.dependsOn]])));
    expect([...roots.keys()].sort()).toEqual([...OUTAGE_IMPACTED].sort());
    // The replica is itself unhealthy, but it has an unhealthy dependency: it is not a root cause.
    for (const r of roots.values()) expect(r).toEqual([ROOT_CAUSE]);
  });

  it('ignores degraded dependencies and reports several independent root causes', () => {
    const states = new Map<string, State>([['app', 'operational'], ['db', 'major_outage'], ['cache', 'partial_outage'], ['cdn', 'degraded']]);
    const roots = computeRootCauses(states, deps([['app', ['db', 'cache', 'cdn']]]));
    expect(roots).toEqual(new Map([['app', ['cache', 'db']]]));
  });

  it('terminates on cycles and names the unhealthy members when none is furthest upstream', () => {
    const states = new Map<string, State>([['a', 'operational'], ['b', 'major_outage'], ['c', 'major_outage']]);
    const roots = computeRootCauses(states, deps([['a', ['b']], ['b', ['c']], ['c', ['b']]]));
    expect(roots.get('a')).toEqual(['b', 'c']);
    expect(roots.get('b')).toEqual(['c']);
  });
});
