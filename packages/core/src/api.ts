/*
 * The JSON the exporter serves and the status page and the panel read (README, "API"). The
 * exporter's serializers are checked against these types (exporter/test/architecture), so a
 * field renamed on one side fails the typecheck on the other.
 */
import type { State } from './states.js';
import type { Tier } from './tiers.js';
import type { EdgeStrength } from './edges.js';

/** A root cause as one component sees it, with the texts of the component's edges it comes through. */
export interface CauseView {
  readonly rootCause: string;
  readonly carries: readonly string[];
}

/** One dependency of a component with its edge's meaning. */
export interface DependencyView {
  readonly name: string;
  readonly strength: EdgeStrength;
  readonly carries: string | null;
}

/** One value a probe measured, for one of its kind's extra metric families. */
export interface Measurement {
  readonly metric: string;
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Facts a probe reports for the API (postgres role, a vendor's open incidents, ...). Never secrets. */
export type ProbeInfo = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** A probe in GET /api/v1/components. */
export interface ProbeView {
  readonly name: string;
  readonly kind: string;
  readonly success: boolean;
  readonly durationSeconds: number;
  readonly baselineSeconds: number | null;
  /** The failure reason; null when it succeeded. */
  readonly error: string | null;
  /** Why a passing probe degrades the component, or null. */
  readonly degraded: string | null;
  /** A remark on a passing probe, or null. */
  readonly note: string | null;
  readonly inconclusive: boolean;
  readonly maintenance: boolean;
  readonly checkedAt: string;
  readonly info: ProbeInfo;
  readonly measurements: readonly Measurement[];
}

/** The occurrence of a maintenance window covering a component. */
export interface MaintenanceWindowRef {
  readonly id: string;
  readonly title: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** A maintenance window in GET /api/v1/maintenance (one occurrence of a recurring one). */
export interface MaintenanceWindowView {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly components: readonly string[];
  /** config: in the config file; adhoc: created at run time (API, page, Slack). */
  readonly source: 'config' | 'adhoc';
  /** once or cron (the config's recurring windows). */
  readonly kind: 'once' | 'cron';
  readonly startsAt: string;
  readonly endsAt: string;
  readonly recoverAfter: number | null;
  /** upcoming, active, ended (ran to its end, or ended early once healthy), cancelled. */
  readonly status: 'upcoming' | 'active' | 'ended' | 'cancelled';
  /** When it ended before endsAt (early, or cancelled), else null. */
  readonly endedAt: string | null;
  readonly author: string | null;
}

/** A component in GET /api/v1/components and in the stream's `snapshot` event. */
export interface ComponentView {
  readonly name: string;
  readonly displayName: string;
  readonly tier: Tier;
  readonly environment: string;
  readonly runbook: string | null;
  readonly state: State;
  readonly stateValue: number;
  readonly since: string;
  readonly reason: string | null;
  /** A vendor reports planned maintenance (its probe). */
  readonly maintenance: boolean;
  /** A maintenance window covers it (issue 19): shown "under maintenance"; its probes still run and show. */
  readonly underMaintenance: boolean;
  /** The window covering it, or null. */
  readonly maintenanceWindow: MaintenanceWindowRef | null;
  /** Its outage is planned work: every root cause (itself, when nothing upstream) is under maintenance. */
  readonly planned: boolean;
  /** The root causes that are under maintenance, sorted. */
  readonly plannedRootCauses: readonly string[];
  readonly checked: boolean;
  readonly impacted: boolean;
  readonly rootCauses: readonly string[];
  /** `rootCauses` with what the edges carry. */
  readonly impactedBy: readonly CauseView[];
  /** A degradation, or an outage through a soft edge, reaches it: weaker than impacted, reported apart. */
  readonly affected: boolean;
  readonly affectedBy: readonly CauseView[];
  readonly dependsOn: readonly string[];
  /** `dependsOn` with each edge's strength and what it carries. */
  readonly dependencies: readonly DependencyView[];
  readonly dependents: readonly string[];
  readonly probes: readonly ProbeView[];
  /** The component's service level objective (config `slo` or its tier's default); null: none. */
  readonly slo: { readonly objective: number; readonly windowDays: number } | null;
}

/** GET /api/v1/components, and the data of the stream's `snapshot` event. */
export interface ComponentsView {
  readonly generatedAt: string;
  readonly seq: number;
  readonly cyclesCompleted: number;
  readonly components: readonly ComponentView[];
}

/** An entry of an incident's timeline, newest first. */
export interface TimelineEntryView {
  readonly at: string;
  /** `public`: what customers were told on an audience page, with a link to the public incident. */
  readonly kind: 'opened' | 'state_change' | 'joined' | 'severity' | 'update' | 'resolved' | 'public';
  readonly author: string;
  readonly text: string;
  readonly component?: string;
  readonly from?: State;
  readonly to?: State;
  readonly status?: IncidentView['status'];
}

/** An incident in /api/v1/incidents and in the stream's `incident` event. */
export interface IncidentView {
  readonly id: string;
  readonly title: string;
  readonly source: 'auto' | 'manual';
  readonly status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  readonly severity: 'critical' | 'major' | 'minor';
  readonly rootCause: string | null;
  readonly components: readonly string[];
  readonly blastRadius: readonly string[];
  readonly tookDown: readonly string[];
  readonly startedAt: string;
  readonly resolvedAt: string | null;
  readonly durationSeconds: number | null;
  readonly updatedAt: string;
  /** Present on a single incident and on stream events that carry it. */
  readonly timeline?: readonly TimelineEntryView[];
}
