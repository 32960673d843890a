import { describe, expect, it } from 'vitest';
import { Merger, type MergeView, type Report } from '../../src/cluster/merge.js';
import { assign } from '../../src/cluster/assign.js';
import type { ProbeResult } from '../../src/engine/round.js';

const ok: ProbeResult = { outcome: { success: true, durationSeconds: 0.1 }, at: 0 };
const bad: ProbeResult = { outcome: { success: false, durationSeconds: 1, reason: 'timeout' }, at: 0 };
const report = (component: string, replica: string, at: number, r: ProbeResult = ok): Report => ({ component, replica, at, startedAt: at, results: [r] });
const opts = { freshMs: 2_000, graceMs: 500 };

function view(members: string[], probers: Record<string, string[]>): MergeView {
  return { members, probersOf: (c) => probers[c] ?? [], probes: (c) => (c in probers ? 1 : undefined) };
}

describe('the merger', () => {
  it('decides a round once every prober reported, not before', () => {
    const m = new Merger(opts);
    const v = view(['a', 'b'], { x: ['a', 'b'] });
    m.add(report('x', 'a', 10, bad), 100);
    expect(m.due(100, v).decisions).toEqual([]);
    m.add(report('x', 'b', 11, bad), 150);
    const d = m.due(150, v).decisions;
    expect(d).toHaveLength(1);
    expect(d[0]!.results[0]!.outcome.success).toBe(false);
    // Decided: nothing more until a new report.
    expect(m.due(200, v).decisions).toEqual([]);
  });

  it('decides after the grace period when a prober is silent, with its last fresh result voting', () => {
    const m = new Merger(opts);
    const v = view(['a', 'b'], { x: ['a', 'b'] });
    m.add(report('x', 'a', 10), 0);
    m.add(report('x', 'b', 10), 0);
    expect(m.due(0, v).decisions).toHaveLength(1);
    // Next interval: a fails, b is late. b's success of the last round still votes: a tie, no outage.
    m.add(report('x', 'a', 20, bad), 1_000);
    expect(m.due(1_400, v).decisions).toEqual([]);
    const d = m.due(1_500, v).decisions;
    expect(d).toHaveLength(1);
    expect(d[0]!.results[0]!.outcome.success).toBe(true);
  });

  it('leaves a lone failure undecided when the other prober is silent past the grace period', () => {
    const m = new Merger(opts);
    const v = view(['a', 'b'], { x: ['a', 'b'] });
    m.add(report('x', 'a', 10, bad), 0);
    expect(m.due(600, v).decisions).toEqual([]);
    // The membership shrinks to a alone: its failure is the majority of one.
    m.add(report('x', 'a', 20, bad), 1_000);
    expect(m.due(1_600, view(['a'], { x: ['a'] })).decisions[0]!.results[0]!.outcome.success).toBe(false);
  });

  it('ignores a re-read report and a stale one', () => {
    const m = new Merger(opts);
    const v = view(['a', 'b'], { x: ['a', 'b'] });
    m.add(report('x', 'a', 10, bad), 0);
    m.add(report('x', 'b', 10, ok), 0);
    m.due(0, v);
    m.add(report('x', 'a', 10, bad), 100);
    expect(m.due(5_000, v).decisions).toEqual([]);
    // Much later a alone reports: b's success is stale and no longer votes, and b has left.
    m.add(report('x', 'a', 30, bad), 5_000);
    const d = m.due(5_600, view(['a'], { x: ['a'] })).decisions;
    expect(d[0]!.results[0]!.outcome.success).toBe(false);
  });

  it('sets a broken checker aside: no outage from it, and its components decided by the others', () => {
    const members = ['a', 'b', 'c'];
    const components = Array.from({ length: 30 }, (_, i) => `svc-${i}`);
    const a = assign(components, members, 2);
    const probers = Object.fromEntries([...a].map(([c, p]) => [c, [...p]]));
    const m = new Merger(opts);
    const v = view(members, probers);
    for (const [c, ps] of a) for (const p of ps) m.add(report(c, p, 10, p === 'b' ? bad : ok), 0);
    const { decisions, health } = m.due(0, v);
    expect([...health.unhealthy]).toEqual(['b']);
    expect(decisions).toHaveLength(30);
    expect(decisions.every((d) => d.results[0]!.outcome.success)).toBe(true);
    // Once set aside, b is not waited for: a component of (a, b) is decided on a's report alone.
    const c = components.find((x) => probers[x]!.includes('a') && probers[x]!.includes('b'))!;
    m.add(report(c, 'a', 20), 100);
    expect(m.due(100, v).decisions.map((d) => d.component)).toEqual([c]);
  });

  it('needs the configured probers for a failure while warming up, even when it sees itself alone', () => {
    const m = new Merger(opts);
    const alone = view(['a'], { x: ['a'] });
    m.add(report('x', 'a', 10, bad), 0);
    expect(m.due(600, { ...alone, minExpected: 2 }).decisions).toEqual([]);
    m.add(report('x', 'a', 20, ok), 1_000);
    expect(m.due(1_600, { ...alone, minExpected: 2 }).decisions[0]!.results[0]!.outcome.success).toBe(true);
    m.add(report('x', 'a', 30, bad), 2_000);
    expect(m.due(2_600, alone).decisions[0]!.results[0]!.outcome.success).toBe(false);
  });

  it('counts no vote of a replica that is no longer a member', () => {
    const m = new Merger(opts);
    m.add(report('x', 'gone', 10, bad), 0);
    m.add(report('x', 'a', 10, bad), 0);
    m.add(report('x', 'b', 10, ok), 0);
    // With "gone" voting, 2 of 3 fail; without it, a tie.
    expect(m.due(0, view(['a', 'b'], { x: ['a', 'b'] })).decisions[0]!.results[0]!.outcome.success).toBe(true);
  });

  it('recomputes checker health at most every healthEveryMs, and at once when the members change', () => {
    const m = new Merger({ ...opts, healthEveryMs: 1_000 });
    const members = ['a', 'b', 'c'];
    const probers = Object.fromEntries(['x', 'y', 'z', 'w'].map((c) => [c, members]));
    const v = view(members, probers);
    expect(m.due(0, v).health.unhealthy.size).toBe(0);
    for (const c of Object.keys(probers)) for (const p of members) m.add(report(c, p, 10, p === 'c' ? bad : ok), 100);
    // Within the period: the health of time 0 still holds.
    expect(m.due(500, v).health.unhealthy.size).toBe(0);
    expect([...m.due(1_000, v).health.unhealthy]).toEqual(['c']);
    // A membership change is looked at immediately.
    expect(m.due(1_100, view(['a', 'c'], probers)).health.unhealthy.size).toBe(0);
  });

  it('drops a component that is no longer configured', () => {
    const m = new Merger(opts);
    m.add(report('gone', 'a', 10), 0);
    expect(m.due(1_000, view(['a'], {})).decisions).toEqual([]);
  });
});
