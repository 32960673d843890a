import type { ComponentConfig } from '../config/types.js';
import type { Measurement, ProbeConfig, ProbeOutcome } from '../probes/types.js';
import { applyHysteresis, classifyRound, INITIAL_HYSTERESIS, isSlow, type Hysteresis, type ProbeVerdict } from './classifier.js';
import type { ProbeStatus, StateChange } from './snapshot.js';
import { isUnhealthy } from '@statusgraph/core';
import { countRound, ZERO_COUNTS, type RoundCauses, type RoundCounts } from './attribution.js';

/** What a component shows between two rounds. Immutable: every round makes a new one. */
export interface ComponentState {
  readonly hysteresis: Hysteresis;
  /** Epoch ms of the last change of the shown state (or of the start). */
  readonly since: number;
  readonly reason?: string;
  readonly maintenance: boolean;
  readonly stateChanges: number;
  readonly checked: boolean;
  /** Rounds, available rounds and the attribution of the others (statusgraph_component_*rounds_total). */
  readonly counts: RoundCounts;
  /** Last result of each probe, in config order (same length); undefined until it has run. */
  readonly probes: readonly (ProbeStatus | undefined)[];
  /** Per probe (config order): consecutive rounds, up to now, over 2x its baseline (degrade_after). */
  readonly slowRounds: readonly number[];
}

/** One probe's answer, as the scheduler hands it over: the outcome and when it came (epoch ms). */
export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  readonly at: number;
}

/** What the round reads about one probe besides its result. */
export interface RoundProbe {
  readonly config: ProbeConfig;
  readonly configMeasurements: readonly Measurement[];
  /** Read only here: the caller adds the sample afterwards (see learnsBaseline). */
  readonly baseline: { value(): number | undefined };
}

/** The fixed facts a round needs about its component. */
export interface RoundPlan {
  readonly config: ComponentConfig;
  readonly probes: readonly RoundProbe[];
  /** Every dependency, direct or transitive (from the graph, computed once). */
  readonly upstream: readonly string[];
}

export type Transition = Omit<StateChange, 'rootCauses'>;

export interface RoundResult {
  readonly state: ComponentState;
  readonly transition?: Transition;
  /**
   * Dependencies to probe out of turn: the component just started failing, and a dependent
   * whose turn comes before its database's would otherwise be shown as a root cause for up to
   * one interval. Empty (a shared constant) otherwise.
   */
  readonly urgent: readonly string[];
  /** A state, a probe's success, a reason or maintenance changed: publish within the short window. */
  readonly publishNow: boolean;
}

const NONE: readonly string[] = Object.freeze([]);
const NO_CAUSES: RoundCauses = { rootCauses: NONE, isVendor: () => false };

/** A success learns the baseline unless one is configured; inconclusive answers teach nothing. */
export function learnsBaseline(probe: ProbeConfig, outcome: ProbeOutcome): boolean {
  return outcome.success && !outcome.inconclusive && probe.baselineSeconds === undefined;
}

/** The state a component starts with when nothing is carried over from a previous config. */
export function initialState(probes: readonly (ProbeStatus | undefined)[], now: number): ComponentState {
  return { hysteresis: INITIAL_HYSTERESIS, since: now, maintenance: false, stateChanges: 0, checked: false, counts: ZERO_COUNTS, probes, slowRounds: probes.map(() => 0) };
}

function probeStatus(p: RoundProbe, r: ProbeResult, baselineSeconds: number | undefined): ProbeStatus {
  const o = r.outcome;
  return {
    name: p.config.name,
    kind: p.config.kind,
    success: o.success,
    durationSeconds: o.durationSeconds,
    ...(baselineSeconds !== undefined ? { baselineSeconds } : {}),
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    ...(o.degradedReason !== undefined ? { degradedReason: o.degradedReason } : {}),
    inconclusive: o.inconclusive === true,
    maintenance: o.maintenance === true,
    measurements: p.configMeasurements.length ? [...p.configMeasurements, ...(o.measurements ?? [])] : (o.measurements ?? []),
    info: o.info,
    checkedAt: r.at,
  };
}

/**
 * One finished round of a component: its probes' results in, its next state out, with the
 * transition (after fail_after / recover_after) and the dependencies to probe early. Pure: no
 * timers, no I/O, nothing mutated; `now` (epoch ms) is the caller's. `causes` are the root causes
 * an unavailable round is attributed to (none: its own failure).
 */
export function applyRound(plan: RoundPlan, state: ComponentState, results: readonly ProbeResult[], now: number, causes: RoundCauses = NO_CAUSES): RoundResult {
  const verdicts: ProbeVerdict[] = [];
  const probes: ProbeStatus[] = [];
  const slowRounds: number[] = [];
  let flipped = !state.checked;
  for (let j = 0; j < plan.probes.length; j++) {
    const p = plan.probes[j]!;
    const r = results[j]!;
    if (state.probes[j]?.success !== r.outcome.success) flipped = true;
    // The baseline in use is the one before this sample: a slow sample must not excuse itself.
    const baselineSeconds = p.config.baselineSeconds ?? p.baseline.value();
    // Any answer that is not slow (fast, failed, inconclusive) ends the streak: sustained means in a row.
    const slow = isSlow(r.outcome, baselineSeconds) ? (state.slowRounds[j] ?? 0) + 1 : 0;
    slowRounds.push(slow);
    verdicts.push({ name: p.config.name, outcome: r.outcome, slowRounds: slow, ...(baselineSeconds !== undefined ? { baselineSeconds } : {}) });
    probes.push(probeStatus(p, r, baselineSeconds));
  }
  const raw = classifyRound(verdicts, plan.config.degradeAfter);
  const before = state.hysteresis.state;
  const hysteresis = applyHysteresis(state.hysteresis, raw.state, plan.config.failAfter, plan.config.recoverAfter);
  if (state.maintenance !== raw.maintenance) flipped = true;
  const changed = hysteresis.state !== before;
  if (changed) flipped = true;
  // The reason follows the state shown, not a raw round that hysteresis has not accepted yet.
  const reason = hysteresis.state === raw.state ? raw.reason : state.reason;
  const next: ComponentState = {
    hysteresis,
    since: changed ? now : state.since,
    ...(reason !== undefined ? { reason } : {}),
    maintenance: raw.maintenance,
    stateChanges: changed ? state.stateChanges + 1 : state.stateChanges,
    checked: true,
    counts: countRound(state.counts, hysteresis.state, raw.state, causes),
    probes,
    slowRounds,
  };
  return {
    state: next,
    ...(changed ? { transition: { component: plan.config.name, from: before, to: hysteresis.state, ...(raw.reason !== undefined ? { reason: raw.reason } : {}), at: now } } : {}),
    urgent: isUnhealthy(raw.state) && !isUnhealthy(before) ? plan.upstream : NONE,
    publishNow: flipped || reason !== state.reason,
  };
}
