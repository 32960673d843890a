import type { Measurement, ProbeOutcome } from '../probes/types.js';
import type { Cause, Dependency, State, Tier } from '@statusgraph/core';
import type { RoundCounts } from './attribution.js';

export interface ProbeStatus {
  readonly name: string;
  readonly kind: string;
  readonly success: boolean;
  readonly durationSeconds: number;
  /** Baseline in use: configured, or learned; undefined until enough samples are seen. */
  readonly baselineSeconds?: number;
  readonly reason?: string;
  readonly degradedReason?: string;
  readonly inconclusive: boolean;
  readonly maintenance: boolean;
  readonly measurements: readonly Measurement[];
  readonly info: ProbeOutcome['info'];
  /** Epoch ms when this result was taken. */
  readonly checkedAt: number;
}

/** The occurrence of a maintenance window that covers a component; epoch ms. */
export interface WindowRef {
  readonly id: string;
  readonly title: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Which components maintenance windows cover now (maintenance/ provides it; empty without windows). */
export type Cover = () => ReadonlyMap<string, WindowRef>;

export interface ComponentStatus {
  readonly name: string;
  readonly tier: Tier;
  readonly displayName: string;
  readonly environment: string;
  readonly runbook?: string;
  readonly dependsOn: readonly string[];
  /** The same edges with their meaning (strength, carries). */
  readonly dependencies: readonly Dependency[];
  /** From this own state on, the component opens an automatic incident (config incidents.open_at). */
  readonly incidentsOpenAt: Exclude<State, 'operational'>;
  /** Objective in percent and window, from the config; undefined: none. */
  readonly slo?: { readonly objective: number; readonly windowMs: number };
  /** Own state, from its own probes, after hysteresis. */
  readonly state: State;
  /** Epoch ms of the last change of `state` (or of the start). */
  readonly since: number;
  /** Why it is in that state (first failing probe's reason, or the degradation). */
  readonly reason?: string;
  readonly maintenance: boolean;
  /** The maintenance window covering it now (issue 19), or undefined: shown "under maintenance". */
  readonly window?: WindowRef;
  /** Its outage is planned work (core's plannedOf, and the recovery tail after a window); absent: false. */
  readonly planned?: boolean;
  /** The root causes under maintenance, sorted; absent: none. */
  readonly plannedRootCauses?: readonly string[];
  /** A dependency, direct or transitive, is in partial or major outage. */
  readonly impacted: boolean;
  /** The unhealthy components furthest upstream on the paths that impact it; empty when not impacted. */
  readonly rootCauses: readonly string[];
  /** `rootCauses` with the texts of this component's edges they come through. */
  readonly impactedBy: readonly Cause[];
  /** A degradation, or an outage through a soft edge, reaches it (core's computeEffects); weaker than impacted. */
  readonly affected: boolean;
  /** The roots that only affect it, with the texts of its edges; none is in `rootCauses`. */
  readonly affectedBy: readonly Cause[];
  /** Every component downstream of this one (transitive dependents), from the graph. */
  readonly dependents: readonly string[];
  readonly probes: readonly ProbeStatus[];
  /** False until every probe of the component has run once. */
  readonly checked: boolean;
  /** Own-state transitions since start (statusgraph_component_state_changes_total). */
  readonly stateChanges: number;
  /** Probe rounds since start, available ones, and the attribution of the others (SLO counters). */
  readonly counts: RoundCounts;
}

/** One immutable picture of every component; everything downstream reads it, nothing recomputes it. */
export interface Snapshot {
  /** Increases by one per published snapshot. */
  readonly seq: number;
  /** Epoch ms when it was built. */
  readonly at: number;
  readonly components: readonly ComponentStatus[];
  readonly byName: ReadonlyMap<string, ComponentStatus>;
  /** Duration of the last complete probe cycle, seconds (0 before the first). */
  readonly cycleDurationSeconds: number;
  /** Completed probe cycles since (re)start. */
  readonly cyclesCompleted: number;
}

/** A component's own state changed (after hysteresis). Emitted with the snapshot that shows it. */
export interface StateChange {
  readonly component: string;
  readonly from: State;
  readonly to: State;
  readonly reason?: string;
  readonly rootCauses: readonly string[];
  readonly at: number;
}
