import type { State } from '@statusgraph/core';

export const SEVERITIES = ['critical', 'major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Statuses a person may set with an update; `resolved` is reached only by resolving. */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
export type Status = UpdateStatus | 'resolved';

export type Source = 'auto' | 'manual';

/** `public`: what customers were told on an audience page (a publication or a public update). */
export type EntryKind = 'opened' | 'state_change' | 'joined' | 'severity' | 'update' | 'resolved' | 'public';

/** Author of automatic timeline entries. */
export const SYSTEM_AUTHOR = 'statusgraph';

export interface TimelineEntry {
  readonly at: number;
  readonly kind: EntryKind;
  readonly author: string;
  readonly text: string;
  readonly component?: string;
  readonly from?: State;
  readonly to?: State;
  /** Status set by this entry (updates), or the status the incident reached. */
  readonly status?: Status;
}

export interface Incident {
  /** Numeric key in the store; the public id is `INC-<id>`. */
  readonly id: number;
  readonly title: string;
  readonly source: Source;
  /** The component the incident is keyed by (auto incidents); null for manual ones. */
  readonly rootCause: string | null;
  readonly severity: Severity;
  readonly status: Status;
  /** Affected components: the root cause (or the manual list) and the blast radius, sorted. */
  readonly components: readonly string[];
  /** Every transitive dependent of the root cause (or of the manual components), sorted. */
  readonly blastRadius: readonly string[];
  /** Components that went into major outage under this incident, including the root cause. */
  readonly tookDown: readonly string[];
  readonly startedAt: number;
  readonly resolvedAt: number | null;
  readonly updatedAt: number;
}

export interface IncidentWithTimeline extends Incident {
  readonly timeline: readonly TimelineEntry[];
}

/** How an action names its incident: by store id, or "the open automatic incident of root X". */
export type IncidentRef = { readonly id: number } | { readonly root: string };

/** What the engine decided for one snapshot; the store applies the list in one transaction. */
export type Action =
  | {
      readonly type: 'open';
      readonly rootCause: string;
      readonly title: string;
      readonly severity: Severity;
      readonly components: readonly string[];
      readonly blastRadius: readonly string[];
      readonly tookDown: readonly string[];
      readonly at: number;
      readonly entry: TimelineEntry;
    }
  | { readonly type: 'join'; readonly ref: IncidentRef; readonly component: string; readonly blastRadius: readonly string[]; readonly entry?: TimelineEntry }
  | { readonly type: 'entry'; readonly ref: IncidentRef; readonly entry: TimelineEntry }
  | { readonly type: 'severity'; readonly ref: IncidentRef; readonly severity: Severity; readonly entry: TimelineEntry }
  | { readonly type: 'resolve'; readonly ref: IncidentRef; readonly at: number; readonly entry: TimelineEntry };
