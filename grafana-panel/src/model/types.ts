import type { Field } from '@grafana/data';
import type { EdgeStrength, State } from '@statusgraph/core';

export interface ProbeInfo {
  readonly name: string;
  readonly durationSeconds?: number;
  readonly baselineSeconds?: number;
  /** From statusgraph_probe_success when queried: false = the probe fails. */
  readonly success?: boolean;
}

/** One component, everything the panel knows about it after joining the series by label. */
export interface ComponentNode {
  readonly id: string;
  readonly tier?: string;
  readonly displayName?: string;
  readonly environment?: string;
  readonly runbook?: string;
  /** Own state; undefined when no status series names this component. */
  readonly state?: State;
  /** Root causes it is impacted by, sorted; empty when not impacted. */
  readonly rootCauses: readonly string[];
  /** Root causes that only affect it (a degradation, or an outage through a soft edge), sorted; absent: none. */
  readonly affectedBy?: readonly string[];
  readonly probes: readonly ProbeInfo[];
  /** The slowest probe's last latency. */
  readonly latencySeconds?: number;
  /** Failing probes and error texts. */
  readonly errors: readonly string[];
  /** The maintenance window covering it (statusgraph_component_under_maintenance), by id; absent: none. */
  readonly maintenanceWindow?: string;
  /** Its outage is planned work (statusgraph_component_planned_outage); absent: not. */
  readonly planned?: boolean;
  /** Where Grafana's data links for this component live (the status value's cell). */
  readonly linkSource?: { readonly field: Field; readonly rowIndex: number };
}

export interface GraphEdge {
  /** The dependent. */
  readonly source: string;
  /** What it depends on. */
  readonly target: string;
  /** The edge's meaning (statusgraph_dependency_edge_info); hard when no series says otherwise. */
  readonly strength?: EdgeStrength;
  readonly carries?: string;
}

export interface GraphModel {
  readonly nodes: readonly ComponentNode[];
  readonly edges: readonly GraphEdge[];
  /** Components that are the root cause of some impact. */
  readonly rootCauses: ReadonlySet<string>;
  /** What was skipped and why, shown to the user instead of failing silently. */
  readonly warnings: readonly string[];
}
