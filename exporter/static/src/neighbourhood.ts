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

export function graphModel(byName: ReadonlyMap<string, ComponentView>, dependents: ReadonlyMap<string, readonly string[]>, o: GraphOptions): GraphModel {
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
  const idOf = (n: string) => {
    const c = byName.get(n)!;
    return collapsed.has(c.tier) && n !== focus ? tierNodeId(c.tier) : n;
  };
  const groups = new Map<string, { tier: Tier; state: State; impacted: boolean; members: number }>();
  const nodes: GraphNode[] = [];
  for (const n of scope) {
    const c = byName.get(n)!;
    const id = idOf(n);
    if (id === n) {
      nodes.push({ id, tier: c.tier, label: n, state: c.state, impacted: c.impacted, members: 0, focus: n === focus });
      continue;
    }
    const g = groups.get(id) ?? { tier: c.tier, state: 'operational' as State, impacted: false, members: 0 };
    if (stateValue(c.state) > stateValue(g.state)) g.state = c.state;
    g.impacted ||= c.impacted;
    g.members += 1;
    groups.set(id, g);
  }
  for (const [id, g] of groups) nodes.push({ id, tier: g.tier, label: `${g.members.toLocaleString('en-US')} ${g.tier}`, state: g.state, impacted: g.impacted, members: g.members, focus: false });
  const seen = new Set<string>();
  const edges: { source: string; target: string }[] = [];
  for (const n of scope) {
    for (const d of byName.get(n)!.dependsOn) {
      if (!scope.has(d)) continue;
      const source = idOf(n);
      const target = idOf(d);
      const k = `${source}\u0000${target}`;
      if (source === target || seen.has(k)) continue;
      seen.add(k);
      edges.push({ source, target });
    }
  }
  nodes.sort((a, b) => compareTiers(a.tier, b.tier) || (a.id < b.id ? -1 : 1));
  return { nodes, edges, forced, scope: scope.size };
}

/** Whether an edge into a collapsed tier node carries trouble (some member is unhealthy). */
export function aggregateHot(target: GraphNode | undefined): boolean {
  return !!target && target.members > 0 && isUnhealthy(target.state);
}
