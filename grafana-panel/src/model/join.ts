import type { DataFrame, Field } from '@grafana/data';
import { computeImpactOf } from '../layout/impact.js';
import { EDGE_STRENGTHS, parseState, plannedOf, type Dependency, type EdgeStrength, type State } from '@statusgraph/core';
import { frameSamples, type Sample } from './frames.js';
import { metricOf } from './metrics.js';
import { isNodeGraphFrame, readEdges, readNodes } from './nodeGraph.js';
import type { ComponentNode, GraphEdge, GraphModel, ProbeInfo } from './types.js';

interface Draft {
  id: string;
  tier?: string;
  displayName?: string;
  environment?: string;
  runbook?: string;
  state?: State;
  rootCauses: Set<string>;
  affectedBy: Set<string>;
  probes: Map<string, { durationSeconds?: number; baselineSeconds?: number; success?: boolean }>;
  latencySeconds?: number;
  errors: string[];
  linkSource?: { field: Field; rowIndex: number };
  maintenanceWindow?: string;
  planned?: boolean;
}

/**
 * Joins the statusgraph series (and/or Node Graph frames) by the `component` label into one
 * graph. Pure: frames in, model out. Series it cannot use are counted in `warnings` rather than
 * guessed at.
 */
export function buildGraphModel(series: readonly DataFrame[]): GraphModel {
  const drafts = new Map<string, Draft>();
  const draft = (id: string): Draft => {
    let d = drafts.get(id);
    if (!d) {
      d = { id, rootCauses: new Set(), affectedBy: new Set(), probes: new Map(), errors: [] };
      drafts.set(id, d);
    }
    return d;
  };
  const edges = new Map<string, GraphEdge>();
  // Edge meaning (statusgraph_dependency_edge_info) may come before or after the edge itself.
  const meaning = new Map<string, { strength: EdgeStrength; carries?: string }>();
  const addEdge = (source: string, target: string, m?: { strength: EdgeStrength; carries?: string }) => {
    if (source === target) {
      return;
    }
    const key = `${source}\u0000${target}`;
    if (m) {
      meaning.set(key, m);
    }
    edges.set(key, { source, target, ...meaning.get(key) });
  };
  let hasImpactData = false;
  let noComponent = 0;
  let unknown = 0;
  let badValue = 0;

  for (const frame of series) {
    const ng = isNodeGraphFrame(frame);
    if (ng === 'nodes') {
      const { nodes, skipped } = readNodes(frame);
      noComponent += skipped;
      for (const n of nodes) {
        const d = draft(n.id);
        d.displayName ??= n.displayName;
        d.tier ??= n.tier;
        d.state ??= n.state;
        d.runbook ??= n.runbook;
        d.latencySeconds ??= n.latencySeconds;
        d.errors.push(...n.errors);
        d.linkSource ??= n.linkSource;
        if (n.rootCauses) {
          hasImpactData = true;
          n.rootCauses.forEach((r) => d.rootCauses.add(r));
        }
      }
      continue;
    }
    if (ng === 'edges') {
      const { edges: es, skipped } = readEdges(frame);
      noComponent += skipped;
      for (const e of es) {
        draft(e.source);
        draft(e.target);
        addEdge(e.source, e.target);
      }
      continue;
    }
    for (const s of frameSamples(frame)) {
      const kind = metricOf(s);
      if (kind === undefined) {
        unknown++;
        continue;
      }
      if (kind === 'checkerHealthy') {
        // A replica's series, no component: model/checkers.ts reads it for the banner.
        continue;
      }
      const component = s.labels.component;
      if (!component) {
        noComponent++;
        continue;
      }
      if (kind === 'impacted' || kind === 'affected') {
        hasImpactData = true;
      }
      if (!applySample(kind, component, s, draft, addEdge)) {
        badValue++;
      }
    }
  }

  // Without impact series (Node Graph input) derive impact the way the exporter does.
  if (!hasImpactData) {
    const states = new Map([...drafts.values()].map((d) => [d.id, d.state]));
    const deps = new Map<string, Dependency[]>();
    for (const e of edges.values()) {
      const dep: Dependency = { name: e.target, strength: e.strength ?? 'hard', ...(e.carries ? { carries: e.carries } : {}) };
      deps.set(e.source, [...(deps.get(e.source) ?? []), dep]);
    }
    for (const [id, e] of computeImpactOf(states, deps)) {
      e.rootCauses.forEach((r) => draft(id).rootCauses.add(r));
      e.affectedBy.forEach((r) => draft(id).affectedBy.add(r));
    }
  }

  const nodes: ComponentNode[] = withPlanned([...drafts.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((d) => finish(d)));
  const rootCauses = new Set(nodes.flatMap((n) => n.rootCauses));
  const warnings: string[] = [];
  if (noComponent > 0) {
    warnings.push(`${noComponent} series or rows without a component label were skipped`);
  }
  if (unknown > 0) {
    warnings.push(`${unknown} series that are not statusgraph metrics were skipped`);
  }
  if (badValue > 0) {
    warnings.push(`${badValue} series with a missing label or an invalid value were skipped`);
  }
  const sortedEdges = [...edges.values()].sort((a, b) => (a.source + '\u0000' + a.target < b.source + '\u0000' + b.target ? -1 : 1));
  return { nodes, edges: sortedEdges, rootCauses, warnings };
}

/** Folds one sample into its component; false when the sample is unusable. */
function applySample(
  kind: NonNullable<ReturnType<typeof metricOf>>,
  component: string,
  s: Sample,
  draft: (id: string) => Draft,
  addEdge: (source: string, target: string, meaning?: { strength: EdgeStrength; carries?: string }) => void,
): boolean {
  const l = s.labels;
  switch (kind) {
    case 'status': {
      const state = parseState(s.value);
      if (state === undefined) {
        return false;
      }
      const d = draft(component);
      d.state = state;
      d.tier ??= l.tier;
      d.linkSource = { field: s.field, rowIndex: s.rowIndex };
      return true;
    }
    case 'impacted':
    case 'affected': {
      // One series per root cause; a value of 0 would mean "not impacted", should it ever appear.
      if (!l.root_cause || s.value === 0) {
        return !!l.root_cause;
      }
      const d = draft(component);
      (kind === 'impacted' ? d.rootCauses : d.affectedBy).add(l.root_cause);
      d.tier ??= l.tier;
      return true;
    }
    case 'edge': {
      const strength = EDGE_STRENGTHS.find((x) => x === l.strength);
      if (!l.depends_on || !strength) {
        return false;
      }
      draft(component);
      draft(l.depends_on);
      addEdge(component, l.depends_on, { strength, ...(l.carries ? { carries: l.carries } : {}) });
      return true;
    }
    case 'dependency': {
      if (!l.depends_on) {
        return false;
      }
      draft(component);
      draft(l.depends_on);
      addEdge(component, l.depends_on);
      return true;
    }
    case 'info': {
      const d = draft(component);
      d.tier = l.tier || d.tier;
      d.displayName = l.display_name || d.displayName;
      d.environment = l.environment || d.environment;
      d.runbook = l.runbook || d.runbook;
      return true;
    }
    case 'checkerHealthy':
    case 'incidentOpen':
      // Checker health is read by model/checkers.ts (skipped above); open incidents are read by model/incidents.ts, next to the annotations.
      return true;
    case 'maintenance':
      if (s.value === 0) {
        return true;
      }
      draft(component).maintenanceWindow = l.window ?? '';
      return true;
    case 'planned':
      if (s.value !== 0) {
        draft(component).planned = true;
      }
      return true;
    case 'duration':
    case 'baseline':
    case 'success': {
      const probe = l.probe;
      if (!probe || typeof s.value !== 'number') {
        return false;
      }
      const p = draft(component).probes;
      const info = p.get(probe) ?? {};
      if (kind === 'duration') {
        info.durationSeconds = s.value;
      } else if (kind === 'baseline') {
        info.baselineSeconds = s.value;
      } else {
        info.success = s.value >= 1;
      }
      p.set(probe, info);
      return true;
    }
  }
}

function finish(d: Draft): ComponentNode {
  const probes: ProbeInfo[] = [...d.probes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => ({ name, ...p }));
  const durations = probes.map((p) => p.durationSeconds).filter((v): v is number => v !== undefined);
  const failing = probes.filter((p) => p.success === false).map((p) => `probe ${p.name} failing`);
  return {
    id: d.id,
    tier: d.tier,
    displayName: d.displayName,
    environment: d.environment,
    runbook: d.runbook,
    state: d.state,
    rootCauses: [...d.rootCauses].filter((r) => r !== d.id).sort(),
    affectedBy: [...d.affectedBy].filter((r) => r !== d.id && !d.rootCauses.has(r)).sort(),
    probes,
    latencySeconds: durations.length > 0 ? Math.max(...durations) : d.latencySeconds,
    errors: [...failing, ...d.errors],
    linkSource: d.linkSource,
    ...(d.maintenanceWindow !== undefined ? { maintenanceWindow: d.maintenanceWindow } : {}),
    ...(d.planned ? { planned: true } : {}),
  };
}

/**
 * Planned impact from the windows and the impact the panel has, with core's rule (the exporter's
 * statusgraph_component_planned_outage, when queried, is taken as is): the dashboard needs to
 * query only statusgraph_component_under_maintenance.
 */
function withPlanned(nodes: ComponentNode[]): ComponentNode[] {
  const covered = new Set(nodes.filter((n) => n.maintenanceWindow !== undefined).map((n) => n.id));
  if (covered.size === 0) {
    return nodes;
  }
  return nodes.map((n) => (n.planned || !plannedOf(n.id, n.state, { impacted: n.rootCauses.length > 0, rootCauses: n.rootCauses }, (c) => covered.has(c)).planned
    ? n : { ...n, planned: true }));
}
