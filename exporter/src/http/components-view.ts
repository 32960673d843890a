import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';
import { stateValue } from '@statusgraph/core';

/** The JSON shape of GET /api/v1/components (documented in the README). Pure. */
export function componentView(c: ComponentStatus) {
  return {
    name: c.name,
    displayName: c.displayName,
    tier: c.tier,
    environment: c.environment,
    runbook: c.runbook ?? null,
    state: c.state,
    stateValue: stateValue(c.state),
    since: new Date(c.since).toISOString(),
    reason: c.reason ?? null,
    maintenance: c.maintenance,
    underMaintenance: c.window !== undefined,
    maintenanceWindow: c.window
      ? { id: c.window.id, title: c.window.title, startsAt: new Date(c.window.startMs).toISOString(), endsAt: new Date(c.window.endMs).toISOString() }
      : null,
    planned: c.planned ?? false,
    plannedRootCauses: c.plannedRootCauses ?? [],
    checked: c.checked,
    impacted: c.impacted,
    rootCauses: c.rootCauses,
    impactedBy: c.impactedBy,
    affected: c.affected,
    affectedBy: c.affectedBy,
    dependsOn: c.dependsOn,
    dependencies: c.dependencies.map((d) => ({ name: d.name, strength: d.strength, carries: d.carries ?? null })),
    dependents: c.dependents,
    slo: c.slo ? { objective: c.slo.objective, windowDays: c.slo.windowMs / 86_400_000 } : null,
    probes: c.probes.map((p) => ({
      name: p.name,
      kind: p.kind,
      success: p.success,
      durationSeconds: p.durationSeconds,
      baselineSeconds: p.baselineSeconds ?? null,
      error: p.success ? null : (p.reason ?? 'failed'),
      degraded: p.degradedReason ?? null,
      note: p.success && p.reason ? p.reason : null,
      inconclusive: p.inconclusive,
      maintenance: p.maintenance,
      checkedAt: new Date(p.checkedAt).toISOString(),
      info: p.info ?? {},
      measurements: p.measurements,
    })),
  };
}

export function componentsView(s: Snapshot) {
  return {
    generatedAt: new Date(s.at).toISOString(),
    seq: s.seq,
    cyclesCompleted: s.cyclesCompleted,
    components: s.components.map(componentView),
  };
}
