import { describe, expect, it } from 'vitest';
import { applyHysteresis, classifyRound, INITIAL_HYSTERESIS, type Hysteresis } from '../../src/engine/classifier.js';
import { LearnedBaseline } from '../../src/engine/baseline.js';
import type { State } from '@statusgraph/core';

const ok = (name: string, d = 0.05, baselineSeconds?: number) => ({ name, outcome: { success: true, durationSeconds: d }, ...(baselineSeconds ? { baselineSeconds } : {}) });
const fail = (name: string, reason: string) => ({ name, outcome: { success: false, durationSeconds: 0.01, reason } });

describe('classifyRound', () => {
  it('operational when every probe passes within baseline', () => {
    expect(classifyRound([ok('http', 0.1, 0.1)])).toEqual({ state: 'operational', maintenance: false });
  });
  it('degraded when latency is over 2x baseline, with the figures in the reason', () => {
    const r = classifyRound([ok('http', 0.25, 0.1)]);
    expect(r.state).toBe('degraded');
    expect(r.reason).toBe('latency 250ms over 2x baseline 100ms');
    expect(classifyRound([ok('http', 0.2, 0.1)]).state).toBe('operational');
  });
  it('latency is degraded only after degrade_after slow rounds in a row; a threshold needs no streak', () => {
    expect(classifyRound([{ ...ok('http', 0.25, 0.1), slowRounds: 2 }], 3)).toEqual({ state: 'operational', maintenance: false });
    expect(classifyRound([{ ...ok('http', 0.25, 0.1), slowRounds: 3 }], 3)).toMatchObject({ state: 'degraded', reason: 'latency 250ms over 2x baseline 100ms' });
    const lag = { name: 'pg', slowRounds: 0, outcome: { success: true, durationSeconds: 0.01, degradedReason: 'replication lag 12s (threshold: 2s)' } };
    expect(classifyRound([lag], 3)).toMatchObject({ state: 'degraded', reason: 'replication lag 12s (threshold: 2s)' });
  });
  it('degraded when a measured value is over its threshold', () => {
    const r = classifyRound([{ name: 'pg', outcome: { success: true, durationSeconds: 0.01, degradedReason: 'replication lag 12s (threshold: 2s)' } }]);
    expect(r).toMatchObject({ state: 'degraded', reason: 'replication lag 12s (threshold: 2s)' });
  });
  it('partial when some probes fail, major when all fail, each naming the failing probe', () => {
    expect(classifyRound([ok('a'), fail('b', 'status 503')])).toMatchObject({ state: 'partial_outage', reason: 'b: status 503' });
    expect(classifyRound([fail('a', 'refused'), fail('b', 'timeout')])).toMatchObject({ state: 'major_outage', reason: 'a: refused; b: timeout' });
    expect(classifyRound([fail('http', 'refused')])).toMatchObject({ state: 'major_outage', reason: 'refused' });
  });
  it('takes a vendor-reported state, and ignores an inconclusive probe', () => {
    expect(classifyRound([{ name: 'sp', outcome: { success: true, durationSeconds: 0.1, reportedState: 'major_outage' as const, reason: 'vendor reports major outage' } }]).state).toBe('major_outage');
    const r = classifyRound([ok('http'), { name: 'sp', outcome: { success: true, durationSeconds: 0.1, inconclusive: true, reason: 'vendor status unavailable: status 404' } }]);
    expect(r).toEqual({ state: 'operational', reason: 'sp: vendor status unavailable: status 404', maintenance: false });
  });
  it('reports maintenance without an outage', () => {
    expect(classifyRound([{ name: 'sp', outcome: { success: true, durationSeconds: 0.1, maintenance: true } }])).toEqual({ state: 'operational', maintenance: true });
  });
});

describe('applyHysteresis', () => {
  const run = (seq: State[], failAfter: number, recoverAfter: number): State[] => {
    let h: Hysteresis = INITIAL_HYSTERESIS;
    return seq.map((s) => (h = applyHysteresis(h, s, failAfter, recoverAfter)).state);
  };
  it('fails after fail_after consecutive bad rounds and recovers after recover_after good ones', () => {
    expect(run(['major_outage', 'operational', 'operational', 'operational'], 1, 2)).toEqual(['major_outage', 'major_outage', 'operational', 'operational']);
    expect(run(['major_outage', 'major_outage', 'major_outage'], 3, 2)).toEqual(['operational', 'operational', 'major_outage']);
  });
  it('one slow sample does not flap the board, and an interrupted streak starts over', () => {
    expect(run(['degraded', 'operational', 'degraded', 'operational'], 2, 2)).toEqual(['operational', 'operational', 'operational', 'operational']);
    expect(run(['major_outage', 'operational', 'major_outage', 'operational', 'operational'], 1, 2))
      .toEqual(['major_outage', 'major_outage', 'major_outage', 'major_outage', 'operational']);
  });
});

describe('LearnedBaseline', () => {
  it('is the median of recent successes, robust to an outlier, with a floor', () => {
    const b = new LearnedBaseline(100, 5, 0.01);
    for (const v of [0.1, 0.12, 0.11, 5, 0.1]) b.add(v);
    expect(b.value()).toBeCloseTo(0.11);
    const tiny = new LearnedBaseline(100, 5, 0.01);
    for (let i = 0; i < 5; i++) tiny.add(0.0004);
    expect(tiny.value()).toBe(0.01);
  });
  it('needs a few samples first, and forgets beyond its window', () => {
    const b = new LearnedBaseline(4, 3, 0);
    b.add(1); b.add(1);
    expect(b.value()).toBeUndefined();
    b.add(1); b.add(1);
    expect(b.value()).toBe(1);
    for (let i = 0; i < 4; i++) b.add(3);
    expect(b.value()).toBe(3);
  });
});
