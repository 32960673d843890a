import type { DataFrame } from '@grafana/data';
import { METRICS as CONTRACT } from '@statusgraph/core';
import type { Sample } from './frames.js';

/** The series the panel joins, by their contract names (DESIGN.md, "Metrics"). */
export const METRICS = {
  status: CONTRACT.componentStatus,
  impacted: CONTRACT.componentImpacted,
  affected: CONTRACT.componentAffected,
  edge: CONTRACT.dependencyEdgeInfo,
  dependency: CONTRACT.dependencyInfo,
  duration: CONTRACT.probeDurationSeconds,
  baseline: CONTRACT.probeBaselineSeconds,
  success: CONTRACT.probeSuccess,
  info: CONTRACT.componentInfo,
  incidentOpen: CONTRACT.incidentOpen,
  maintenance: CONTRACT.componentUnderMaintenance,
  planned: CONTRACT.componentPlannedOutage,
  // Per replica, not per component: read by model/checkers.ts (a cluster, docs/cluster.md).
  checkerHealthy: CONTRACT.replicaCheckerHealthy,
} as const;

export type MetricKind = keyof typeof METRICS;

const BY_NAME = new Map<string, MetricKind>(Object.entries(METRICS).map(([k, v]) => [v, k as MetricKind]));
const NAME_PATTERN = /statusgraph_[a-z_]+/g;

/**
 * Which metric a sample belongs to. Prometheus keeps `__name__` only for plain selectors, so an
 * aggregated query (`max by (component, tier) (...)`) is recognised by the metric name in its
 * query's refId (the provisioned dashboard names them status, info, dependencies, impacted,
 * duration, baseline, success, incidents, checkers), the metric named in its expression or frame, and failing that by
 * its label set, which differs per metric.
 */
export function metricOf(sample: Sample): MetricKind | undefined {
  const named = sample.labels.__name__;
  if (named !== undefined) {
    return BY_NAME.get(named);
  }
  const fromRefId = refIdKind(sample.frame.refId);
  if (fromRefId) {
    return fromRefId;
  }
  const fromQuery = metricNamedIn(sample.frame, sample.field.config?.displayNameFromDS, sample.field.name);
  if (fromQuery) {
    return fromQuery;
  }
  const l = sample.labels;
  if ('incident' in l) {
    return 'incidentOpen';
  }
  if ('window' in l) {
    return 'maintenance';
  }
  if ('strength' in l) {
    return 'edge';
  }
  if ('depends_on' in l) {
    return 'dependency';
  }
  if ('root_cause' in l) {
    return 'impacted';
  }
  if ('display_name' in l || 'runbook' in l || 'environment' in l) {
    return 'info';
  }
  if ('probe' in l) {
    return 'duration';
  }
  if ('component' in l) {
    return 'status';
  }
  return undefined;
}

const REF_IDS: Readonly<Record<string, MetricKind>> = {
  status: 'status', impacted: 'impacted', impact: 'impacted', affected: 'affected', edge_info: 'edge', edges_info: 'edge', dependencies: 'dependency', dependency: 'dependency',
  edges: 'dependency', duration: 'duration', latency: 'duration', baseline: 'baseline', success: 'success', info: 'info',
  incidents: 'incidentOpen', maintenance: 'maintenance', planned: 'planned', checkers: 'checkerHealthy',
};

function refIdKind(refId: string | undefined): MetricKind | undefined {
  if (!refId) {
    return undefined;
  }
  return BY_NAME.get(refId) ?? (Object.hasOwn(REF_IDS, refId.toLowerCase()) ? REF_IDS[refId.toLowerCase()] : undefined);
}

function metricNamedIn(frame: DataFrame, ...more: Array<string | undefined>): MetricKind | undefined {
  const texts = [frame.meta?.executedQueryString, frame.name, ...more];
  for (const text of texts) {
    if (!text) {
      continue;
    }
    // The first metric named is the one whose labels survive `a and on (...) b`, `a * on (...)
    // group_left b` and aggregations of a.
    for (const m of text.matchAll(NAME_PATTERN)) {
      const kind = BY_NAME.get(m[0]);
      if (kind) {
        return kind;
      }
    }
  }
  return undefined;
}
