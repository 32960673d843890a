import { describe, expect, it } from 'vitest';
import { ZERO_COUNTS } from '../../src/engine/attribution.js';
import type { ComponentStatus, Snapshot } from '../../src/engine/snapshot.js';
import { createStreamTracker } from '../../src/http/stream-versions.js';

const comp = (name: string): ComponentStatus => Object.freeze({
  name, tier: 'service', displayName: name, environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state: 'operational', since: 0,
  maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS, probes: [],
}) as ComponentStatus;
const snap = (seq: number, components: ComponentStatus[]): Snapshot =>
  ({ seq, at: seq, components, byName: new Map(components.map((c) => [c.name, c])), cycleDurationSeconds: 0, cyclesCompleted: 1 });
const names = (t: ReturnType<typeof createStreamTracker>, since: number) => {
  const ch = t.since(since);
  return ch && { changed: ch.changed.map((c) => c.name).sort(), removed: ch.removed, seq: ch.seq };
};

describe('stream versions', () => {
  it('counts a component changed when its status object is new, from the first snapshot seen on', () => {
    const t = createStreamTracker('e');
    const [a, b] = [comp('a'), comp('b')];
    expect(t.since(0)).toBeUndefined();
    t.update(snap(5, [a, b]));
    t.update(snap(6, [a, comp('b')]));
    t.update(snap(6, [comp('a'), b]));
    expect(names(t, 5)).toEqual({ changed: ['b'], removed: [], seq: 6 });
    expect(names(t, 6)).toEqual({ changed: [], removed: [], seq: 6 });
    // Ahead of the tracker (read from the API before the hub saw it): nothing, and nothing lost later.
    expect(names(t, 9)).toEqual({ changed: [], removed: [], seq: 6 });
    expect(t.since(4)).toBeUndefined();
  });

  it('lists a removal until the component is back, and forgets the oldest past the bound', () => {
    const t = createStreamTracker('e', 2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(comp) as [ComponentStatus, ComponentStatus, ComponentStatus, ComponentStatus];
    t.update(snap(1, [a, b, c, d]));
    t.update(snap(2, [a, c, d]));
    const b2 = comp('b');
    t.update(snap(3, [a, b2, c, d]));
    expect(names(t, 1)).toEqual({ changed: ['b'], removed: [], seq: 3 });
    t.update(snap(4, [a, b2]));
    expect(names(t, 3)).toEqual({ changed: [], removed: ['c', 'd'], seq: 4 });
    t.update(snap(5, [b2]));
    // Three removals remembered at most two: since 3 can no longer be told, since 4 can.
    expect(t.since(3)).toBeUndefined();
    expect(names(t, 4)).toEqual({ changed: [], removed: ['a'], seq: 5 });
  });

  it('reads only versions of its own epoch', () => {
    const t = createStreamTracker('e1');
    expect(t.version(7)).toBe('e1.7');
    expect(t.parse('e1.7')).toBe(7);
    expect(t.parse('e2.7')).toBeUndefined();
    expect(t.parse('e1.x')).toBeUndefined();
    expect(t.parse(undefined)).toBeUndefined();
  });
});
