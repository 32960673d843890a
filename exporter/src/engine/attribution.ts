import { isUnhealthy, plannedOf, type State } from '@statusgraph/core';

/**
 * Why a round of a component was unavailable (DESIGN.md, "SLOs"):
 *   own       nothing upstream was unhealthy: the component's own failure
 *   upstream  an upstream root cause (a service or infrastructure component) was unhealthy
 *   vendor    the root cause was a third-party component
 *   planned   planned work (issue 19): every root cause of the outage (the component itself when
 *             nothing upstream explains it) was under a maintenance window (core's plannedOf).
 */
export const CAUSES = ['own', 'upstream', 'vendor', 'planned'] as const;
export type Cause = (typeof CAUSES)[number];

/**
 * The SLO counters of one component since the process started (or since the state carried over by
 * a reload). Immutable: each round makes a new one. `byRoot` holds the upstream and vendor parts,
 * keyed by root cause; its keys are always among the component's transitive dependencies, so the
 * number of series is bounded by the config's graph (the union of the graphs loaded since the
 * process started, as a reload carries the counts over), not by time or by outages.
 */
export interface RoundCounts {
  readonly rounds: number;
  /** Rounds that ended operational or degraded: "available", as the uptime bars define it. */
  readonly available: number;
  readonly own: number;
  readonly planned: number;
  readonly byRoot: ReadonlyMap<string, { readonly cause: 'upstream' | 'vendor'; readonly rounds: number }>;
  /** Root causes of the last unavailable round (empty: own): what a hysteresis tail is charged to. */
  readonly lastRoots: readonly string[];
  /** Whether the last unavailable round was planned: a hysteresis tail after a window is too. */
  readonly lastPlanned: boolean;
}

const NO_ROOTS: RoundCounts['byRoot'] = new Map();
const NONE: readonly string[] = Object.freeze([]);
export const ZERO_COUNTS: RoundCounts = Object.freeze({ rounds: 0, available: 0, own: 0, planned: 0, byRoot: NO_ROOTS, lastRoots: NONE, lastPlanned: false });

/** What the round is attributed with: the root causes known when it finished, and which are vendors. */
export interface RoundCauses {
  readonly rootCauses: readonly string[];
  readonly isVendor: (name: string) => boolean;
  /** The component counted, and whether a maintenance window covers a component (absent: none does). */
  readonly name?: string;
  readonly covered?: (name: string) => boolean;
}

/**
 * Counts one finished round of a component whose shown state (after hysteresis) is `state`, and
 * whose own probes, this round, said `raw`. An unavailable round with several root causes is split
 * equally among them, so the attributed parts always add up to the unavailable rounds.
 *
 * A round whose probes passed but which hysteresis still shows unhealthy (recover_after, 2 by
 * default) is the tail of the failure before it: with no root cause left it is charged like the
 * last unavailable round. Otherwise each upstream outage would leave every dependent with
 * recover_after rounds of "own" failure after the root cause recovered.
 */
export function countRound(prev: RoundCounts, state: State, raw: State, causes: RoundCauses): RoundCounts {
  if (!isUnhealthy(state)) return { ...prev, rounds: prev.rounds + 1, available: prev.available + 1 };
  const tail = causes.rootCauses.length === 0 && !isUnhealthy(raw);
  const roots = tail ? prev.lastRoots : causes.rootCauses;
  const planned = tail ? prev.lastPlanned
    : causes.covered !== undefined && plannedOf(causes.name ?? '', state, { impacted: roots.length > 0, rootCauses: roots }, causes.covered).planned;
  if (planned) return { ...prev, rounds: prev.rounds + 1, planned: prev.planned + 1, lastRoots: roots, lastPlanned: true };
  if (roots.length === 0) return { ...prev, rounds: prev.rounds + 1, own: prev.own + 1, lastRoots: NONE, lastPlanned: false };
  const byRoot = new Map(prev.byRoot);
  const share = 1 / roots.length;
  for (const r of roots) {
    const cause = causes.isVendor(r) ? 'vendor' : 'upstream';
    byRoot.set(r, { cause, rounds: (prev.byRoot.get(r)?.rounds ?? 0) + share });
  }
  return { ...prev, rounds: prev.rounds + 1, byRoot, lastRoots: roots, lastPlanned: false };
}
