/*
 * A public component's state, derived from the internal snapshot (DESIGN.md, "Audience pages").
 * Pure: the snapshot and the page config in, plain words out. Nothing internal leaves this module:
 * the result carries the public ids and names of the config, and statuses.
 *
 * 1. Each internal component counts with its effective state: its own, or, when it is impacted, the
 *    worst state of its root causes if that is worse (payments impacted by a postgresql-primary in
 *    major outage counts as a major outage, whatever its own probes say).
 * 2. The rollup: with `at_least: N` (N = 1 for `worst`) the public component shows the worst state
 *    that at least N of its internal components have reached, i.e. the N-th worst effective state.
 *    Two replicas behind one public "Search" with at_least: 2 show an outage only when both are out.
 * 3. Maintenance: when the rollup is operational and at least N internal components are in
 *    maintenance, the public component is under maintenance. An outage outranks maintenance.
 */
import { stateValue, worst, type State } from '@statusgraph/core';
import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';
import type { PageConfig, PublicComponentConfig } from '../config/types.js';

/** Component statuses of the Statuspage v2 public format. */
export type PublicStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';
export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

const FROM_STATE: Readonly<Record<State, PublicStatus>> = {
  operational: 'operational',
  degraded: 'degraded_performance',
  partial_outage: 'partial_outage',
  major_outage: 'major_outage',
};

/** Severity for the page's overall status: maintenance is above operational, below any outage. */
const SEVERITY: Readonly<Record<PublicStatus, number>> = {
  operational: 0, under_maintenance: 1, degraded_performance: 2, partial_outage: 3, major_outage: 4,
};

export interface PublicComponentState {
  readonly id: string;
  readonly name: string;
  readonly status: PublicStatus;
  /** Every cause of the outage is a third-party component (shown only when the page allows). */
  readonly thirdParty: boolean;
}

/**
 * Own state, or the worst root cause's when that is worse: impact counts as the outage it comes
 * from. Planned work (every root cause under a maintenance window, issue 19) counts as
 * operational: the component is shown under maintenance instead.
 */
export function effectiveState(c: ComponentStatus, byName: Snapshot['byName']): State {
  if (c.planned === true) return 'operational';
  let s = c.state;
  if (c.impacted) for (const r of c.rootCauses) { const rc = byName.get(r); if (rc) s = worst(s, rc.state); }
  return s;
}

/** What an internal component's non-operational effective state comes from: itself or its root causes. */
function causes(c: ComponentStatus): readonly string[] {
  return c.impacted ? c.rootCauses : [c.name];
}

export function derivePublic(pc: PublicComponentConfig, snapshot: Snapshot): PublicComponentState {
  const members = pc.internal.map((n) => snapshot.byName.get(n)).filter((c): c is ComponentStatus => c !== undefined);
  const states = members.map((c) => effectiveState(c, snapshot.byName)).sort((a, b) => stateValue(b) - stateValue(a));
  // A component removed by a reload counts as operational until the page config follows.
  const rolled: State = states[pc.atLeast - 1] ?? 'operational';
  let status: PublicStatus = FROM_STATE[rolled];
  // In maintenance: a vendor says so, a window covers it, or its outage is planned work.
  const inMaintenance = (c: ComponentStatus) => c.maintenance || c.window !== undefined || c.planned === true;
  if (status === 'operational' && members.filter(inMaintenance).length >= pc.atLeast) status = 'under_maintenance';
  let thirdParty = false;
  if (rolled !== 'operational') {
    const bad = members.filter((c) => stateValue(effectiveState(c, snapshot.byName)) >= stateValue(rolled));
    const roots = new Set(bad.flatMap(causes));
    thirdParty = roots.size > 0 && [...roots].every((r) => snapshot.byName.get(r)?.tier === 'third-party');
  }
  return { id: pc.id, name: pc.name, status, thirdParty };
}

export function derivePage(page: PageConfig, snapshot: Snapshot): PublicComponentState[] {
  return page.components.map((pc) => derivePublic(pc, snapshot));
}

/** The worse of two public statuses. */
export function worstStatus(a: PublicStatus, b: PublicStatus): PublicStatus {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** A group's status: the worst of its members'. */
export function groupStatus(members: readonly PublicStatus[]): PublicStatus {
  return members.reduce<PublicStatus>(worstStatus, 'operational');
}

const INDICATOR_OF: Readonly<Record<PublicStatus, Indicator>> = {
  operational: 'none', under_maintenance: 'maintenance', degraded_performance: 'minor', partial_outage: 'major', major_outage: 'critical',
};

/** Impact of open incidents, ranked like the indicator (Statuspage: none < minor < major < critical). */
const IMPACT_RANK: Readonly<Record<string, number>> = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 };
const RANK_INDICATOR: readonly Indicator[] = ['none', 'maintenance', 'minor', 'major', 'critical'];

export const INDICATOR_DESCRIPTIONS: Readonly<Record<Indicator, string>> = {
  none: 'All Systems Operational',
  minor: 'Partially Degraded Service',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
};

/**
 * The page's overall indicator, as Statuspage computes it: from the worst component status, raised
 * by the impact of any unresolved public incident (a written incident can say more than the probes).
 */
export function pageIndicator(statuses: readonly PublicStatus[], openImpacts: readonly string[] = []): Indicator {
  let rank = IMPACT_RANK[INDICATOR_OF[groupStatus(statuses)]]!;
  for (const i of openImpacts) rank = Math.max(rank, IMPACT_RANK[i] ?? 0);
  return RANK_INDICATOR[rank]!;
}
