import { ZERO_COUNTS } from '../../src/engine/attribution.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/store.js';
import { createHistory } from '../../src/history/index.js';
import type { ComponentStatus, Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';

const POLICY = { retentionMs: 30 * 86_400_000, rawMs: 6 * 3_600_000, fiveMinuteMs: 48 * 3_600_000 };
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-history-'));
  dirs.push(d);
  return d;
}

function comp(name: string, state: State, since: number, extra: Partial<ComponentStatus> = {}): ComponentStatus {
  return {
    name, tier: 'service', displayName: name, environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state, since,
    maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], probes: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS, ...extra,
  };
}
function snap(at: number, components: ComponentStatus[], seq = 1): Snapshot {
  return { seq, at, components, byName: new Map(components.map((c) => [c.name, c])), cycleDurationSeconds: 0, cyclesCompleted: 1 };
}

describe('HistoryStore', () => {
  it('stores only changes of own state, and survives a restart', () => {
    const d = dir();
    let now = 1_000_000;
    const s1 = new HistoryStore({ dataDir: d, now: () => now });
    expect(s1.record(snap(now, [comp('a', 'operational', now - 10), comp('b', 'operational', now, { checked: false })]))).toBe(1);
    now += 1_000;
    expect(s1.record(snap(now, [comp('a', 'operational', now - 1_010)]))).toBe(0);
    now += 1_000;
    expect(s1.record(snap(now, [comp('a', 'major_outage', now - 200)]))).toBe(1);
    s1.close();

    now += 5_000;
    const s2 = new HistoryStore({ dataDir: d, now: () => now });
    // Same state as the last stored one: nothing new after a restart.
    expect(s2.record(snap(now, [comp('a', 'major_outage', now)]))).toBe(0);
    const q = s2.query(0);
    expect(q.records.get('a')).toEqual([
      { at: 1_000_000 - 10, state: 'operational' },
      { at: 1_002_000 - 200, state: 'major_outage' },
    ]);
    expect(q.records.has('b')).toBe(false);
    expect(q.spans).toHaveLength(2);
    expect(q.spans[1]!.end).toBe(now);
    s2.close();
  });

  it('query keeps the state in force before the window start', () => {
    const d = dir();
    let now = 10_000;
    const s = new HistoryStore({ dataDir: d, now: () => now });
    s.record(snap(now, [comp('a', 'degraded', now)]));
    now = 20_000;
    s.record(snap(now, [comp('a', 'operational', now)]));
    now = 30_000;
    s.record(snap(now, [comp('a', 'partial_outage', now)]));
    expect(s.query(25_000).records.get('a')).toEqual([{ at: 20_000, state: 'operational' }, { at: 30_000, state: 'partial_outage' }]);
    s.close();
  });

  it('prunes old rows but keeps the state in force at the cutoff', () => {
    const d = dir();
    let now = 0;
    const s = new HistoryStore({ dataDir: d, now: () => now, retentionMs: 100_000 });
    for (const [t, st] of [[1_000, 'operational'], [2_000, 'degraded'], [3_000, 'operational']] as const) {
      now = t;
      s.record(snap(t, [comp('a', st, t)]));
    }
    now = 200_000;
    s.prune(now);
    expect(s.query(0).records.get('a')).toEqual([{ at: 3_000, state: 'operational' }]);
    s.close();
  });
});

describe('createHistory', () => {
  it('reports daily uptime since the first start and latency per probe', () => {
    const d = dir();
    const day = 86_400_000;
    let now = Date.UTC(2026, 10, 10, 12);
    const h = createHistory({ dataDir: d, now: () => now, logger: pino({ level: 'silent' }), policy: POLICY, flushEveryMs: 5_000, timers: false });
    const probe = (at: number, success: boolean, durationSeconds: number) => ({
      name: 'http', kind: 'http', success, durationSeconds, inconclusive: false, maintenance: false, measurements: [], info: {}, checkedAt: at,
    });
    h.onSnapshot(snap(now, [comp('a', 'operational', now, { probes: [probe(now, true, 0.05)] })]));
    now += 3_600_000;
    h.onSnapshot(snap(now, [comp('a', 'major_outage', now, { probes: [probe(now, false, 0.001)] })], 2));
    now += 3_600_000;
    const r = h.uptime(['a', 'ghost']);
    expect(r.from).toBe(Date.UTC(2026, 10, 10, 12));
    expect(r.components[0]!.days).toHaveLength(1);
    expect(r.components[0]!.days[0]!.seconds).toEqual([3600, 0, 0, 3600]);
    expect(r.components[0]!.availability).toBeCloseTo(0.5);
    expect(r.components[1]).toEqual({ name: 'ghost', availability: null, days: [] });
    const lat = h.latency();
    expect(lat).toHaveLength(1);
    expect(lat[0]!.buckets.map((b) => [b.count, b.failures])).toEqual([[1, 0], [0, 1]]);
    h.close();
    expect(r.to - r.from).toBeLessThan(day);
  });
});
