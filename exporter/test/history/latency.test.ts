import { ZERO_COUNTS } from '../../src/engine/attribution.js';
import { describe, expect, it } from 'vitest';
import { LatencyRings } from '../../src/history/latency.js';
import type { ComponentStatus, ProbeStatus, Snapshot } from '../../src/engine/snapshot.js';

const probe = (name: string, checkedAt: number, over: Partial<ProbeStatus> = {}): ProbeStatus => ({
  name, kind: 'http', success: true, durationSeconds: 0.02, inconclusive: false, maintenance: false, measurements: [], info: {}, checkedAt, ...over,
});
const comp = (name: string, probes: ProbeStatus[], checked = true): ComponentStatus => ({
  name, tier: 'service', displayName: name, environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state: 'operational', since: 0,
  maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], probes, checked, stateChanges: 0, counts: ZERO_COUNTS,
});
const snap = (components: ComponentStatus[]): Snapshot => ({
  seq: 1, at: 0, components, byName: new Map(components.map((c) => [c.name, c])), cycleDurationSeconds: 0, cyclesCompleted: 1,
});

describe('LatencyRings', () => {
  it('counts each probe result once, skips inconclusive and unchecked ones, and forgets removed probes', () => {
    const r = new LatencyRings({ initialWidthMs: 1_000 });
    r.record(snap([comp('a', [probe('http', 1_000), probe('vendor', 1_000, { inconclusive: true })]), comp('b', [probe('http', 1_000)], false)]));
    // The same results again (another component's probe finished): nothing new.
    r.record(snap([comp('a', [probe('http', 1_000), probe('vendor', 1_000, { inconclusive: true })]), comp('b', [probe('http', 1_000)], false)]));
    r.record(snap([comp('a', [probe('http', 2_500, { success: false })]), comp('b', [probe('http', 2_600)])]));
    const s = r.series(3_000);
    expect(s.map((x) => [x.component, x.probe, x.buckets.map((b) => [b.start, b.count, b.failures])])).toEqual([
      ['a', 'http', [[1_000, 1, 0], [2_000, 0, 1]]],
      ['b', 'http', [[2_000, 1, 0]]],
    ]);
    expect(r.probeCount).toBe(2);
  });

  it('keeps rings that share one buffer apart, and hands a removed probe\'s storage to a new one clean', () => {
    const r = new LatencyRings({ initialWidthMs: 1_000 });
    r.record(snap([comp('a', [probe('http', 1_000, { durationSeconds: 0.5 })]), comp('b', [probe('http', 1_000, { durationSeconds: 0.25 })])]));
    r.record(snap([comp('a', [probe('http', 2_000, { durationSeconds: 0.5 })]), comp('b', [probe('http', 2_000, { durationSeconds: 0.25 })])]));
    // a leaves (a reload), c arrives and takes the storage a used.
    r.record(snap([comp('b', [probe('http', 3_000, { durationSeconds: 0.25 })]), comp('c', [probe('http', 3_000, { durationSeconds: 0.125 })])]));
    const byName = new Map(r.series(3_500).map((x) => [x.component, x.buckets.map((b) => [b.start, b.count, b.sum, b.max])]));
    expect([...byName.keys()]).toEqual(['b', 'c']);
    expect(byName.get('b')).toEqual([[1_000, 1, 0.25, 0.25], [2_000, 1, 0.25, 0.25], [3_000, 1, 0.25, 0.25]]);
    expect(byName.get('c')).toEqual([[3_000, 1, 0.125, 0.125]]);
  });
});
