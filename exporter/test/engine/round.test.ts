import { describe, expect, it } from 'vitest';
import { LearnedBaseline } from '../../src/engine/baseline.js';
import { applyRound, initialState, learnsBaseline, type ComponentState, type ProbeResult, type RoundPlan } from '../../src/engine/round.js';
import { componentConfig } from './fakes.js';

function plan(failAfter: number, recoverAfter: number, baseline = new LearnedBaseline(), degradeAfter = 3): RoundPlan {
  const config = componentConfig({ name: 'api', dependsOn: ['db'], failAfter, recoverAfter, degradeAfter });
  return { config, probes: [{ config: config.probes[0]!, configMeasurements: [], baseline }], upstream: ['db', 'disk'] };
}

const up = (at: number): ProbeResult[] => [{ outcome: { success: true, durationSeconds: 0.01 }, at }];
const down = (at: number): ProbeResult[] => [{ outcome: { success: false, durationSeconds: 0.01, reason: 'refused' }, at }];

/** Frozen all the way down: the round must not write into the state it was given. */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Runs rounds in order, each at time = its index x 10, returning every result. */
function rounds(p: RoundPlan, results: ((at: number) => ProbeResult[])[], start: ComponentState = initialState([undefined], 0)) {
  let state = start;
  return results.map((r, i) => {
    const at = (i + 1) * 10;
    const out = applyRound(p, deepFreeze(state), r(at), at);
    state = out.state;
    return out;
  });
}

describe('the round function', () => {
  it('takes a worse state only after fail_after rounds in a row, a better one after recover_after', () => {
    const r = rounds(plan(3, 2), [up, down, down, down, down, up, up]);
    expect(r.map((x) => x.state.hysteresis.state)).toEqual([
      'operational', 'operational', 'operational', 'major_outage', 'major_outage', 'major_outage', 'operational',
    ]);
    expect(r.map((x) => x.transition)).toEqual([
      undefined, undefined, undefined,
      { component: 'api', from: 'operational', to: 'major_outage', reason: 'refused', at: 40 },
      undefined, undefined,
      { component: 'api', from: 'major_outage', to: 'operational', at: 70 },
    ]);
    expect(r[3]!.state).toMatchObject({ since: 40, stateChanges: 1, reason: 'refused', checked: true });
    // The reason follows the state shown: not before fail_after is reached, kept until recovery is.
    expect(r[1]!.state.reason).toBeUndefined();
    expect(r[5]!.state.reason).toBe('refused');
    expect(r[6]!.state).toMatchObject({ since: 70, stateChanges: 2 });
    expect(r[6]!.state.reason).toBeUndefined();
  });

  it('starts the streak again when a round disagrees', () => {
    const r = rounds(plan(2, 1), [up, down, up, down, up]);
    expect(r.every((x) => x.state.hysteresis.state === 'operational' && !x.transition)).toBe(true);
  });

  it('asks for the dependencies to be probed early while the component starts failing, not once it is down', () => {
    const r = rounds(plan(2, 1), [up, down, down, down]);
    expect(r.map((x) => [...x.urgent])).toEqual([[], ['db', 'disk'], ['db', 'disk'], []]);
  });

  it('publishes at once what is visible, and leaves latency-only rounds to the refresh', () => {
    const r = rounds(plan(3, 1), [up, up, down, down, down]);
    // First result; same again; probe success flipped; nothing visible moved; state changed.
    expect(r.map((x) => x.publishNow)).toEqual([true, false, true, false, true]);
  });

  it('records each probe result with the baseline in use before its own sample', () => {
    const baseline = new LearnedBaseline();
    for (let i = 0; i < 5; i++) baseline.add(0.1);
    // degrade_after 1: one slow sample is enough here, so the state shows which baseline was used.
    const p = plan(1, 1, baseline, 1);
    const out = applyRound(p, initialState([undefined], 0), [{ outcome: { success: true, durationSeconds: 0.5 }, at: 7 }], 7);
    expect(out.state.probes[0]).toMatchObject({ name: 'fake', kind: 'fake', success: true, durationSeconds: 0.5, baselineSeconds: expect.closeTo(0.1, 6), checkedAt: 7 });
    expect(out.state).toMatchObject({ hysteresis: { state: 'degraded' } });
    // The round reads the baseline; the caller adds the sample (so the round stays pure).
    expect(p.probes[0]!.baseline.value()).toBeCloseTo(0.1, 6);
    expect(learnsBaseline(p.probes[0]!.config, { success: true, durationSeconds: 0.5 })).toBe(true);
    expect(learnsBaseline(p.probes[0]!.config, { success: true, inconclusive: true, durationSeconds: 0.5 })).toBe(false);
    expect(learnsBaseline(p.probes[0]!.config, { success: false, durationSeconds: 0.5 })).toBe(false);
    expect(learnsBaseline({ ...p.probes[0]!.config, baselineSeconds: 0.2 }, { success: true, durationSeconds: 0.5 })).toBe(false);
  });
});

describe('degraded needs sustained latency evidence (degrade_after)', () => {
  /** A baseline learned at 100 ms: over 2x means over 200 ms. */
  const learned = () => {
    const b = new LearnedBaseline();
    for (let i = 0; i < 5; i++) b.add(0.1);
    return b;
  };
  const slow = (at: number): ProbeResult[] => [{ outcome: { success: true, durationSeconds: 0.262 }, at }];
  const fast = (at: number): ProbeResult[] => [{ outcome: { success: true, durationSeconds: 0.1 }, at }];
  const shown = (r: ReturnType<typeof rounds>) => r.map((x) => x.state.hysteresis.state);

  it('one slow sample, or degrade_after minus one in a row, does not flip the component', () => {
    const r = rounds(plan(1, 2, learned(), 3), [fast, slow, fast, slow, slow, fast, slow, slow, fast]);
    expect(shown(r).every((s) => s === 'operational')).toBe(true);
    expect(r.every((x) => x.transition === undefined)).toBe(true);
    expect(r.map((x) => x.state.slowRounds[0])).toEqual([0, 1, 0, 1, 2, 0, 1, 2, 0]);
    expect(r.at(-1)!.state.stateChanges).toBe(0);
  });

  it('degrade_after slow rounds in a row make it degraded, with the latest figures in the reason', () => {
    const r = rounds(plan(1, 2, learned(), 3), [fast, slow, slow, slow, slow, fast, fast]);
    expect(shown(r)).toEqual(['operational', 'operational', 'operational', 'degraded', 'degraded', 'degraded', 'operational']);
    expect(r[3]!.transition).toEqual({ component: 'api', from: 'operational', to: 'degraded', reason: 'latency 262ms over 2x baseline 100ms', at: 40 });
    expect(r[3]!.state.reason).toBe('latency 262ms over 2x baseline 100ms');
  });

  it('counts in a row: a failure or a fast answer starts the count again', () => {
    const r = rounds(plan(1, 1, learned(), 2), [slow, down, slow, fast, slow, slow]);
    expect(shown(r)).toEqual(['operational', 'major_outage', 'operational', 'operational', 'operational', 'degraded']);
  });

  it('keeps outages as fast as before: one failing round is an outage with fail_after 1', () => {
    const r = rounds(plan(1, 2, learned(), 5), [fast, down]);
    expect(r[1]!.transition).toMatchObject({ from: 'operational', to: 'major_outage', reason: 'refused' });
  });

  it('takes a threshold and a vendor-reported state at once: only latency needs the streak', () => {
    const lag = (at: number): ProbeResult[] => [{ outcome: { success: true, durationSeconds: 0.1, degradedReason: 'replication lag 12.0s (threshold: 2s)' }, at }];
    const vendor = (at: number): ProbeResult[] => [{ outcome: { success: true, durationSeconds: 0.1, reportedState: 'degraded', reason: 'vendor reports degraded' }, at }];
    expect(rounds(plan(1, 2, learned(), 3), [lag])[0]!.transition).toMatchObject({ to: 'degraded', reason: 'replication lag 12.0s (threshold: 2s)' });
    expect(rounds(plan(1, 2, learned(), 3), [vendor])[0]!.transition).toMatchObject({ to: 'degraded', reason: 'vendor reports degraded' });
  });
});
