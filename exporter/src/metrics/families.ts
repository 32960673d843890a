import type { ProbeKind } from '../probes/types.js';
import type { ComponentStatus, ProbeStatus } from '../engine/snapshot.js';
import { METRIC_PREFIX, METRICS, stateValue } from '@statusgraph/core';
import { sample } from './exposition.js';

export interface SeriesFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  /** The samples one component contributes to this family, as exposition lines. */
  readonly samples: (c: ComponentStatus) => string;
  /**
   * HELP and TYPE only while the family has samples: the families added with edge meaning, so
   * that today's configs in today's situations expose byte-for-byte what they did before.
   */
  readonly headerWhenEmpty: boolean;
}

type Labels = readonly (readonly [string, string])[];
type Emit = (labels: Labels, value: number) => string;

/** The per-component families of the contract (DESIGN.md, "Metrics"), plus each probe kind's. */
export function componentFamilies(kinds: Iterable<ProbeKind<any>>): SeriesFamily[] {
  const families: SeriesFamily[] = [];
  const add = (name: string, help: string, type: 'gauge' | 'counter', build: (c: ComponentStatus, emit: Emit) => string, headerWhenEmpty = true) => {
    const emit: Emit = (labels, value) => sample(name, labels, value);
    families.push({ name, help, type, samples: (c) => build(c, emit), headerWhenEmpty });
  };
  const perProbe = (f: (p: ProbeStatus) => number | undefined) => (c: ComponentStatus, emit: Emit) => {
    let out = '';
    for (const p of c.probes) {
      const v = f(p);
      if (v !== undefined) out += emit([['component', c.name], ['probe', p.name]], v);
    }
    return out;
  };

  add(METRICS.componentStatus, 'Own state of the component: 0 operational, 1 degraded, 2 partial outage, 3 major outage.', 'gauge',
    (c, emit) => emit([['component', c.name], ['tier', c.tier]], stateValue(c.state)));
  add(METRICS.componentImpacted, 'Present with value 1 while a dependency of the component (direct or transitive) is in partial or major outage, one series per root cause.', 'gauge',
    (c, emit) => c.rootCauses.map((r) => emit([['component', c.name], ['tier', c.tier], ['root_cause', r]], 1)).join(''));
  add(METRICS.componentAffected, 'Present with value 1 while a degradation, or an outage through a soft edge, reaches the component and no impact does from that root cause; carries lists the texts of its edges it comes through.', 'gauge',
    (c, emit) => c.affectedBy.map((a) => emit([['component', c.name], ['tier', c.tier], ['root_cause', a.rootCause], ['carries', a.carries.join('; ')]], 1)).join(''), false);
  add(METRICS.componentInfo, 'Static facts about the component; always 1.', 'gauge',
    (c, emit) => emit([['component', c.name], ['tier', c.tier], ['display_name', c.displayName], ['environment', c.environment], ['runbook', c.runbook ?? '']], 1));
  add(METRICS.dependencyInfo, 'One series per edge of the dependency graph (component depends on depends_on); always 1.', 'gauge',
    (c, emit) => c.dependsOn.map((d) => emit([['component', c.name], ['depends_on', d]], 1)).join(''));
  // Apart from dependency_info, whose label set stays as it was: one series per edge that says more
  // than "depends on" (a strength other than hard, or what it carries).
  add(METRICS.dependencyEdgeInfo, 'The meaning of an edge that has one: strength (hard, soft, none) and what it carries; always 1. Plain hard edges have no series.', 'gauge',
    (c, emit) => c.dependencies
      .filter((d) => d.strength !== 'hard' || d.carries !== undefined)
      .map((d) => emit([['component', c.name], ['depends_on', d.name], ['strength', d.strength], ['carries', d.carries ?? '']], 1)).join(''), false);
  add(METRICS.componentMaintenance, 'Whether the component (a vendor) reports planned maintenance (1) or not (0).', 'gauge',
    (c, emit) => emit([['component', c.name]], c.maintenance ? 1 : 0));
  // Maintenance windows (issue 19): absent without one, so a config without windows exposes what it did.
  add(METRICS.componentUnderMaintenance, 'Present with value 1 while a maintenance window covers the component (window: its id); absent otherwise.', 'gauge',
    (c, emit) => (c.window ? emit([['component', c.name], ['window', c.window.id]], 1) : ''), false);
  add(METRICS.componentPlannedOutage, 'Present with value 1 while the component is in partial or major outage and every root cause of it is under a maintenance window (planned work); absent otherwise.', 'gauge',
    (c, emit) => (c.planned ? emit([['component', c.name], ['tier', c.tier]], 1) : ''), false);
  add(METRICS.probeSuccess, 'Whether the last run of the probe succeeded (1) or failed (0).', 'gauge', perProbe((p) => (p.success ? 1 : 0)));
  add(METRICS.probeDurationSeconds, 'Latency of the last run of the probe.', 'gauge', perProbe((p) => p.durationSeconds));
  add(METRICS.probeBaselineSeconds, 'Baseline latency in use for the probe: configured, or learned from recent successes.', 'gauge', perProbe((p) => p.baselineSeconds));
  add(METRICS.componentStateChanges, "Transitions of the component's own state since the exporter started.", 'counter',
    (c, emit) => emit([['component', c.name]], c.stateChanges));
  // SLO counters (DESIGN.md, "SLOs"). Own and planned are always exposed, so that rate() has a
  // series before the first failure; upstream and vendor series appear with their first round.
  add(METRICS.componentRounds, 'Probe rounds of the component since the exporter started.', 'counter',
    (c, emit) => emit([['component', c.name]], c.counts.rounds));
  add(METRICS.componentAvailableRounds, 'Probe rounds after which the component was available (operational or degraded).', 'counter',
    (c, emit) => emit([['component', c.name]], c.counts.available));
  add(METRICS.componentUnavailableRounds, 'Probe rounds after which the component was in partial or major outage, by cause: own, upstream or vendor (root_cause: the unhealthy dependency furthest upstream, the component itself for own), planned (every root cause under a maintenance window; root_cause: the component).', 'counter',
    (c, emit) => {
      let out = emit([['component', c.name], ['cause', 'own'], ['root_cause', c.name]], c.counts.own)
        + emit([['component', c.name], ['cause', 'planned'], ['root_cause', c.name]], c.counts.planned);
      for (const [root, r] of c.counts.byRoot) out += emit([['component', c.name], ['cause', r.cause], ['root_cause', root]], r.rounds);
      return out;
    });
  for (const kind of kinds) {
    for (const m of kind.metrics ?? []) {
      add(`${METRIC_PREFIX}${m.name}`, m.help, 'gauge', (c, emit) => {
        let out = '';
        for (const p of c.probes) {
          for (const ms of p.measurements) {
            if (ms.metric !== m.name) continue;
            const labels: [string, string][] = [['component', c.name]];
            for (const ln of m.labelNames) labels.push([ln, ms.labels?.[ln] ?? '']);
            out += emit(labels, ms.value);
          }
        }
        return out;
      });
    }
  }
  return families;
}
