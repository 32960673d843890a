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

/**
 * How long a build holds the event loop before it lets other callbacks run. The first build after
 * a start serialises all 10,000 components (0.7-1.9 s on this 2-core machine, loaded), and the
 * page's stylesheet and script, asked for with the preloaded components, waited behind it; a
 * turn every 500 components instead made a usual build (a tenth fresh) wait 1.0-1.9 s in one run
 * of four behind the callbacks let in at each turn.
 */
const TURN_MS = 20;

/**
 * The body of GET /api/v1/components as JSON bytes, with the stream `version` when given; each
 * component's bytes kept per status object. The snapshot builder reuses a component's frozen status
 * while nothing of it changes, so a new snapshot serialises only the components with a fresh result
 * (at a 30 s interval, snapshots every 3 s: about a tenth). At 10,000 components (7.9 MB) joining
 * the parts costs 5-30 ms on this 2-core machine, where serialising the whole view cost 30-130 ms
 * and joining kept strings then encoding them to bytes 90-200 ms.
 */
export function createComponentsBody(view: (c: ComponentStatus) => unknown = componentView): (s: Snapshot, version?: string) => Promise<Buffer> {
  const memo = new WeakMap<ComponentStatus, Buffer>();
  const comma = Buffer.from(',');
  const one = (c: ComponentStatus): Buffer => {
    let b = memo.get(c);
    if (b === undefined) memo.set(c, (b = Buffer.from(JSON.stringify(view(c)))));
    return b;
  };
  return async (s, version) => {
    // The view's own fields in their order, `components` (the last) spliced in from the kept parts.
    const head = JSON.stringify({ ...componentsView({ ...s, components: [] }), components: undefined });
    const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"components":[`)];
    let turn = performance.now();
    for (let i = 0; i < s.components.length; i++) {
      if (performance.now() - turn > TURN_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        turn = performance.now();
      }
      if (i > 0) parts.push(comma);
      parts.push(one(s.components[i]!));
    }
    parts.push(Buffer.from(`]${version === undefined ? '' : `,"version":${JSON.stringify(version)}`}}`));
    return Buffer.concat(parts);
  };
}
