/*
 * Replays the probe samples a soak recorded under other rules for latency-based "degraded", with
 * the exporter's own classifier and hysteresis, so that one run compares every rule on exactly
 * the same samples (the baseline in use is the one each sample was judged against).
 */
import { applyHysteresis, classifyRound, INITIAL_HYSTERESIS, isSlow } from '../../exporter/src/engine/classifier.js';

/** One probe result as the snapshot stream showed it. */
export interface Sample {
  readonly success: boolean;
  readonly durationSeconds: number;
  readonly baselineSeconds?: number;
}

/** A rule: from a probe's slow/not-slow history (oldest first, this round last), is latency degraded now? */
export interface LatencyRule {
  readonly name: string;
  readonly degraded: (slowHistory: readonly boolean[]) => boolean;
}

/** `k` slow rounds in a row: what `degrade_after: k` does (k = 1 is the rule before it). */
export function consecutive(k: number): LatencyRule {
  return {
    name: `${k} in a row`,
    degraded: (h) => h.length >= k && h.slice(-k).every(Boolean),
  };
}

/** At least `k` of the last `n` rounds slow (3 of 5 = the window's median over 2x baseline). */
export function kOfN(k: number, n: number): LatencyRule {
  return {
    name: `${k} of last ${n}`,
    degraded: (h) => h.slice(-n).filter(Boolean).length >= k,
  };
}

export interface Replay {
  readonly rule: string;
  /** Shown-state changes of all probes together, after fail_after / recover_after. */
  readonly stateChanges: number;
  /** Components that changed state at least once. */
  readonly componentsChanged: number;
}

/**
 * Each component's samples (one probe per component, in order) replayed under `rule`: a sample's
 * raw state is the classifier's with the rule deciding latency, then the real hysteresis applies.
 */
export function replay(samples: ReadonlyMap<string, readonly Sample[]>, rule: LatencyRule, failAfter: number, recoverAfter: number): Replay {
  let stateChanges = 0;
  let componentsChanged = 0;
  for (const list of samples.values()) {
    let h = INITIAL_HYSTERESIS;
    const history: boolean[] = [];
    let changes = 0;
    for (const s of list) {
      const outcome = { success: s.success, durationSeconds: s.durationSeconds };
      history.push(isSlow(outcome, s.baselineSeconds));
      const sustained = rule.degraded(history);
      // slowRounds 1 against degradeAfter 1 lets the classifier call it degraded exactly when the rule does.
      const raw = classifyRound([{ name: 'http', outcome, slowRounds: sustained ? 1 : 0, ...(s.baselineSeconds !== undefined ? { baselineSeconds: s.baselineSeconds } : {}) }], 1);
      const next = applyHysteresis(h, raw.state, failAfter, recoverAfter);
      if (next.state !== h.state) changes++;
      h = next;
    }
    stateChanges += changes;
    if (changes > 0) componentsChanged++;
  }
  return { rule: rule.name, stateChanges, componentsChanged };
}

/** How many runs of exactly L slow samples in a row were seen, by L (all probes together). */
export function slowRuns(samples: ReadonlyMap<string, readonly Sample[]>): Record<number, number> {
  const runs: Record<number, number> = {};
  for (const list of samples.values()) {
    let run = 0;
    const close = () => { if (run > 0) runs[run] = (runs[run] ?? 0) + 1; run = 0; };
    for (const s of list) {
      if (isSlow({ success: s.success, durationSeconds: s.durationSeconds }, s.baselineSeconds)) run++;
      else close();
    }
    close();
  }
  return runs;
}
