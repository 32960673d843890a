/**
 * The per-component metric families of the contract (DESIGN.md, "Metrics"): the exporter writes
 * them, the panel and the provisioned dashboards read them. Renaming one is a contract change
 * (CHANGELOG migration note). Probe kinds add their own families under METRIC_PREFIX.
 */
export const METRIC_PREFIX = 'statusgraph_';

export const METRICS = {
  componentStatus: 'statusgraph_component_status',
  componentImpacted: 'statusgraph_component_impacted',
  componentAffected: 'statusgraph_component_affected',
  componentInfo: 'statusgraph_component_info',
  dependencyInfo: 'statusgraph_dependency_info',
  dependencyEdgeInfo: 'statusgraph_dependency_edge_info',
  componentMaintenance: 'statusgraph_component_maintenance',
  /** 1 while a maintenance window (issue 19) covers the component, else 0. */
  componentUnderMaintenance: 'statusgraph_component_under_maintenance',
  /** 1 while the component's outage is planned work (every root cause under maintenance); absent otherwise. */
  componentPlannedOutage: 'statusgraph_component_planned_outage',
  probeSuccess: 'statusgraph_probe_success',
  probeDurationSeconds: 'statusgraph_probe_duration_seconds',
  probeBaselineSeconds: 'statusgraph_probe_baseline_seconds',
  componentStateChanges: 'statusgraph_component_state_changes_total',
  incidentOpen: 'statusgraph_incident_open',
  componentRounds: 'statusgraph_component_rounds_total',
  componentAvailableRounds: 'statusgraph_component_available_rounds_total',
  componentUnavailableRounds: 'statusgraph_component_unavailable_rounds_total',
  // Replicas of a cluster (docs/cluster.md): per replica as the scraped replica sees the cluster.
  replicaUp: 'statusgraph_replica_up',
  replicaLeader: 'statusgraph_replica_leader',
  replicaCheckerHealthy: 'statusgraph_replica_checker_healthy',
  replicaAssignedComponents: 'statusgraph_replica_assigned_components',
} as const;
