import type { ProbeOutcome } from '../probes/types.js';
import { type State, stateValue, worst } from '@statusgraph/core';

/** Latency over this multiple of the baseline counts as degraded (DESIGN.md, "States"). */
export const DEGRADED_FACTOR = 2;

export interface ProbeVerdict {
  readonly name: string;
  readonly outcome: ProbeOutcome;
  readonly baselineSeconds?: number;
  /**
   * Consecutive rounds, this one included, in which this probe answered over 2x its baseline
   * (see isSlow); when absent, this round alone.
   */
  readonly slowRounds?: number;
}

export interface RawClassification {
  readonly state: State;
  readonly reason?: string;
  readonly maintenance: boolean;
}

function fmtSeconds(s: number): string {
  return s >= 1 ? `${s.toFixed(2)}s` : `${Math.round(s * 1000)}ms`;
}

/** A success over DEGRADED_FACTOR x the baseline in use: latency evidence, not yet a verdict. */
export function isSlow(outcome: ProbeOutcome, baselineSeconds: number | undefined): boolean {
  return outcome.success && !outcome.inconclusive && baselineSeconds !== undefined && outcome.durationSeconds > DEGRADED_FACTOR * baselineSeconds;
}

/**
 * The state one round of a component's probes shows, before hysteresis. Latency makes a probe
 * degraded only once it has been slow for `degradeAfter` rounds in a row (`degrade_after`): on a
 * busy machine one slow sample is the machine, not the target (bench/README.md, "Soak"). A
 * threshold (`degradedReason`) or a vendor-reported state counts at once, as failures do. Pure.
 */
export function classifyRound(probes: readonly ProbeVerdict[], degradeAfter = 1): RawClassification {
  const label = (p: ProbeVerdict, text: string) => (probes.length > 1 ? `${p.name}: ${text}` : text);
  const counted = probes.filter((p) => !p.outcome.inconclusive);
  const failed = counted.filter((p) => !p.outcome.success);
  const maintenance = probes.some((p) => p.outcome.maintenance === true);
  let state: State = 'operational';
  let reason: string | undefined;
  if (counted.length > 0 && failed.length === counted.length) {
    state = 'major_outage';
  } else if (failed.length > 0) {
    state = 'partial_outage';
  }
  if (failed.length > 0) {
    reason = failed.map((p) => label(p, p.outcome.reason ?? 'failed')).join('; ');
  }
  for (const p of counted) {
    if (!p.outcome.success) continue;
    const o = p.outcome;
    let why: string | undefined;
    let s: State = 'operational';
    if (o.reportedState) {
      s = o.reportedState;
      why = o.reason ?? `vendor reports ${o.reportedState.replace('_', ' ')}`;
    } else if (o.degradedReason) {
      s = 'degraded';
      why = o.degradedReason;
    } else if (isSlow(o, p.baselineSeconds) && (p.slowRounds ?? 1) >= degradeAfter) {
      s = 'degraded';
      why = `latency ${fmtSeconds(o.durationSeconds)} over ${DEGRADED_FACTOR}x baseline ${fmtSeconds(p.baselineSeconds!)}`;
    }
    if (stateValue(s) > stateValue(state)) {
      state = s;
      reason = label(p, why!);
    } else if (s !== 'operational' && state === s && why) {
      reason = reason ? `${reason}; ${label(p, why)}` : label(p, why);
    }
  }
  if (state === 'operational' && !reason) {
    const inconclusive = probes.find((p) => p.outcome.inconclusive && p.outcome.reason);
    if (inconclusive) reason = label(inconclusive, inconclusive.outcome.reason!);
  }
  return { state: worst(state, 'operational'), ...(reason !== undefined ? { reason } : {}), maintenance };
}

/** Hysteresis memory of one component. */
export interface Hysteresis {
  readonly state: State;
  /** Consecutive rounds that disagreed with `state` in the same direction. */
  readonly streak: number;
  readonly direction: 'worse' | 'better' | 'none';
}

export const INITIAL_HYSTERESIS: Hysteresis = { state: 'operational', streak: 0, direction: 'none' };

/**
 * Applies `fail_after` / `recover_after`: a worse state is taken after `failAfter` consecutive
 * worse rounds, a better one after `recoverAfter` consecutive better rounds. Pure.
 */
export function applyHysteresis(h: Hysteresis, raw: State, failAfter: number, recoverAfter: number): Hysteresis {
  const cmp = stateValue(raw) - stateValue(h.state);
  if (cmp === 0) return { state: h.state, streak: 0, direction: 'none' };
  const direction = cmp > 0 ? 'worse' : 'better';
  const streak = h.direction === direction ? h.streak + 1 : 1;
  const needed = direction === 'worse' ? failAfter : recoverAfter;
  if (streak >= needed) return { state: raw, streak: 0, direction: 'none' };
  return { state: h.state, streak, direction };
}
