/**
 * What the dependency graph shows: every component while the graph is small; at scale, a chosen
 * component's neighbourhood (what it depends on, upstream, and what depends on it, downstream, to
 * a depth), with tiers collapsed into one node each, by choice or when there are still too many
 * nodes to read (a layered layout of 10,000 nodes is neither fast nor readable). Pure.
 */
import { compareTiers, isUnhealthy, stateValue, type State, type Tier } from '@statusgraph/core';
import type { ComponentView } from './model.js';

export interface GraphOptions {
  /** The component in the middle; none: the whole graph (collapsed by tier when too large). */
  readonly focus?: string;
  /** Hops upstream and downstream from the focus; Infinity: all. */
  readonly depth: number;
  /** Tiers drawn as one node each. */
  readonly collapsed: ReadonlySet<Tier>;
  /** More nodes than this: the largest tiers are collapsed until it fits (never the focus). */
  readonly maxNodes: number;
}

export interface GraphNode {
  /** A component's name, or `tier:<tier>` for a collapsed tier. */
  readonly id: string;
  readonly tier: Tier;
  readonly label: string;
  readonly state: State;
  readonly impacted: boolean;
  /** Components inside a collapsed tier node; 0 for a component. */
  readonly members: number;
  readonly focus: boolean;
}

export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
  /** Tiers collapsed because there were too many nodes, not because the viewer chose to. */
  readonly forced: readonly Tier[];
  /** Components in scope (the neighbourhood, or all). */
  readonly scope: number;
}

export const tierNodeId = (tier: string) => `tier:${tier}`;

/** Reverse edges (who depends on each component), built once per graph shape. */
export function dependentsIndex(components: Iterable<ComponentView>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of components) {
    for (const d of c.dependsOn) {
      let l = out.get(d);
      if (!l) out.set(d, (l = []));
      l.push(c.name);
    }
  }
  return out;
}

const sameList = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/**
 * Tells whether the structure (names, tiers, edges) differs from the last call's: a state change
 * keeps the graph's shape. A map walk, where a key string of every edge took 20-30 ms per update at
 * 10,000 components (node, this 2-core machine).
 */
export function structureWatch(): (byName: ReadonlyMap<string, ComponentView>) => boolean {
  let seen = new Map<string, { readonly tier: string; readonly dependsOn: readonly string[] }>();
  return (byName) => {
    let same = seen.size === byName.size;
    for (const c of byName.values()) {
      if (!same) break;
      const s = seen.get(c.name);
      same = !!s && s.tier === c.tier && sameList(s.dependsOn, c.dependsOn);
    }
    if (!same) seen = new Map([...byName.values()].map((c) => [c.name, { tier: c.tier, dependsOn: c.dependsOn }]));
    return !same;
  };
}

/** The focus and everything within `depth` hops upstream (dependencies) and downstream (dependents). */
export function neighbourhood(byName: ReadonlyMap<string, ComponentView>, dependents: ReadonlyMap<string, readonly string[]>, focus: string, depth: number): Set<string> {
  const out = new Set<string>([focus]);
  const walk = (next: (n: string) => readonly string[]) => {
    let frontier = [focus];
    for (let d = 0; d < depth && frontier.length; d++) {
      const nextFrontier: string[] = [];
      for (const n of frontier) {
        for (const m of next(n)) {
          if (!byName.has(m) || out.has(m)) continue;
          out.add(m);
          nextFrontier.push(m);
        }
      }
      frontier = nextFrontier;
    }
  };
  walk((n) => byName.get(n)?.dependsOn ?? []);
  walk((n) => dependents.get(n) ?? []);
  return out;
}

/** A node of the graph before states are known: what the shape of the drawing depends on. */
export type ShapeNode = Omit<GraphNode, 'state' | 'impacted'>;

/**
 * What is drawn, apart from states: it depends on the names, tiers and edges and on the options
 * only, so the page keeps it while only states change. At 10,000 components the whole model took
 * 8-10 ms per state change, its states over a kept shape take 0.5 ms (node, this 2-core machine).
 */
export interface GraphShape {
  readonly nodes: readonly ShapeNode[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
  readonly forced: readonly Tier[];
  readonly scope: number;
  /** The components inside each collapsed tier node: its state is their worst. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

export function graphShape(byName: ReadonlyMap<string, ComponentView>, dependents: ReadonlyMap<string, readonly string[]>, o: GraphOptions): GraphShape {
  const focus = o.focus && byName.has(o.focus) ? o.focus : undefined;
  const scope = focus ? neighbourhood(byName, dependents, focus, o.depth) : new Set(byName.keys());
  const perTier = new Map<Tier, number>();
  for (const n of scope) {
    const t = byName.get(n)!.tier;
    perTier.set(t, (perTier.get(t) ?? 0) + 1);
  }
  const collapsed = new Set([...o.collapsed].filter((t) => perTier.has(t)));
  const forced: Tier[] = [];
  const shown = () => [...perTier].reduce((n, [t, k]) => n + (collapsed.has(t) ? (focus && byName.get(focus)!.tier === t ? 2 : 1) : k), 0);
  for (const [t] of [...perTier].sort((a, b) => b[1] - a[1])) {
    if (shown() <= o.maxNodes) break;
    if (!collapsed.has(t)) { collapsed.add(t); forced.push(t); }
  }
  const groupIds = new Map([...collapsed].map((t) => [t, tierNodeId(t)]));
  const idOf = (n: string) => (n === focus ? n : groupIds.get(byName.get(n)!.tier) ?? n);
  const groups = new Map<string, string[]>();
  const nodes: ShapeNode[] = [];
  for (const n of scope) {
    const id = idOf(n);
    if (id === n) nodes.push({ id, tier: byName.get(n)!.tier, label: n, members: 0, focus: n === focus });
    else {
      const g = groups.get(id);
      if (g) g.push(n); else groups.set(id, [n]);
    }
  }
  for (const [t, id] of groupIds) {
    const members = groups.get(id)?.length ?? 0;
    if (members) nodes.push({ id, tier: t, label: `${members.toLocaleString('en-US')} ${t}`, members, focus: false });
  }
  // Edges between collapsed tiers collapse into one: source -> targets seen, without a string per edge.
  const seen = new Map<string, Set<string>>();
  const edges: { source: string; target: string }[] = [];
  for (const n of scope) {
    const source = idOf(n);
    for (const d of byName.get(n)!.dependsOn) {
      if (!scope.has(d)) continue;
      const target = idOf(d);
      let targets = seen.get(source);
      if (!targets) seen.set(source, (targets = new Set()));
      if (source === target || targets.has(target)) continue;
      targets.add(target);
      edges.push({ source, target });
    }
  }
  nodes.sort((a, b) => compareTiers(a.tier, b.tier) || (a.id < b.id ? -1 : 1));
  return { nodes, edges, forced, scope: scope.size, groups };
}

/** The shape with the states of now: a component's own, a collapsed tier's worst of its members. */
export function withStates(shape: GraphShape, byName: ReadonlyMap<string, ComponentView>): GraphModel {
  const nodes = shape.nodes.map((n): GraphNode => {
    if (!n.members) {
      const c = byName.get(n.id);
      return { ...n, state: c?.state ?? 'operational', impacted: c?.impacted ?? false };
    }
    let state: State = 'operational';
    let impacted = false;
    for (const m of shape.groups.get(n.id) ?? []) {
      const c = byName.get(m);
      if (!c) continue;
      if (stateValue(c.state) > stateValue(state)) state = c.state;
      impacted ||= c.impacted;
    }
    return { ...n, state, impacted };
  });
  return { nodes, edges: shape.edges, forced: shape.forced, scope: shape.scope };
}

export function graphModel(byName: ReadonlyMap<string, ComponentView>, dependents: ReadonlyMap<string, readonly string[]>, o: GraphOptions): GraphModel {
  return withStates(graphShape(byName, dependents, o), byName);
}

/** Whether an edge into a collapsed tier node carries trouble (some member is unhealthy). */
export function aggregateHot(target: GraphNode | undefined): boolean {
  return !!target && target.members > 0 && isUnhealthy(target.state);
}
