/*
 * Impact and root causes over the dependency graph (DESIGN.md, "Impact"): the one rule for the
 * exporter (snapshots, metrics, incidents), the panel (Node Graph frames without impact series)
 * and the status page. Apart from graph.ts so that the panel's bundle carries only this.
 */
import type { Edges } from './graph.js';
import { effectOfState, hardEdges, strongerEffect, throughEdge, type DependencyGraph, type Effect } from './edges.js';
import type { State } from './states.js';

/** A root cause as one component sees it, with the texts of its own edges it reaches it through. */
export interface Cause {
  readonly rootCause: string;
  /** Sorted, unique; empty when those edges carry no text. */
  readonly carries: readonly string[];
}

export interface Impact {
  /** An outage reaches it through hard edges only (statusgraph_component_impacted). */
  readonly impacted: boolean;
  /** The roots of `impacted`, sorted; empty when not impacted. */
  readonly rootCauses: readonly string[];
  /** `rootCauses` with the texts of the edges they come through. */
  readonly impactedBy: readonly Cause[];
  /** Some problem reaches it, none of it as an impact (a degradation, or an outage through a soft edge). */
  readonly affected: boolean;
  /** The roots that only affect it, sorted by root; none of them is in `rootCauses`. */
  readonly affectedBy: readonly Cause[];
}

interface Reach {
  effect: Effect;
  /** Texts of the component's own edges through which `effect` (the strongest) arrives. */
  readonly carries: Set<string>;
}

const NONE: readonly Cause[] = Object.freeze([]);

/**
 * Impact per component, by severity and edge. What reaches a component from a root is the weakest
 * link of the path: the root's own effect (outage: impacted, degradation: affected) passed through
 * each edge by `throughEdge` (hard keeps it, soft weakens it to affected, none stops it); over
 * several paths the strongest wins.
 *
 * A root cause is a component with a problem of its own that what reaches it does not explain: a
 * degraded one reached by nothing, or one in outage reached by no impact (an outage of a service
 * whose soft cache is down is its own). A component explained by its upstream passes that upstream
 * on rather than itself, so each problem is reported once, at the furthest-upstream component.
 * With every edge hard and no degradation this is exactly the rule before edges had meaning.
 *
 * Memoised depth-first: O(V + E) walks per call (times the roots carried), done once per snapshot.
 * Components that only appear as dependencies (not keys) count as having none and get no entry.
 * On a cycle (never from a loaded config), the walk stops at the edge that closes it, in input
 * order: the member of a cycle in outage where the walk came back is the root cause of the cycle
 * and of everything that reaches it, including, for that member, itself.
 */
export function computeEffects(graph: DependencyGraph, stateOf: (name: string) => State | undefined): Map<string, Impact> {
  // seen(n): what reaches n from its dependency closure, n itself excluded.
  const memo = new Map<string, Map<string, Reach>>();
  const onPath = new Set<string>();
  const seen = (n: string): Map<string, Reach> => {
    const cached = memo.get(n);
    if (cached) return cached;
    const acc = new Map<string, Reach>();
    if (onPath.has(n)) return acc; // cycles are refused at load; this guards hand-built graphs
    onPath.add(n);
    for (const dep of graph.get(n) ?? []) {
      for (const [root, effect] of passedOn(dep.name)) {
        const e = throughEdge(dep.strength, effect);
        if (e === undefined) continue;
        const r = acc.get(root);
        if (!r) acc.set(root, { effect: e, carries: new Set(dep.carries ? [dep.carries] : []) });
        else if (strongerEffect(r.effect, e) !== r.effect) acc.set(root, { effect: e, carries: new Set(dep.carries ? [dep.carries] : []) });
        else if (r.effect === e && dep.carries) r.carries.add(dep.carries);
      }
    }
    onPath.delete(n);
    memo.set(n, acc);
    return acc;
  };
  // What d hands its dependents: what reaches it, plus itself when its own problem is unexplained.
  const passedOn = (d: string): Iterable<[string, Effect]> => {
    const upstream = seen(d);
    const own = effectOfState(stateOf(d));
    let strongest: Effect | undefined;
    for (const r of upstream.values()) strongest = strongerEffect(strongest, r.effect);
    const isRoot = own !== undefined && (strongest === undefined || (own === 'impacted' && strongest === 'affected'));
    const out: [string, Effect][] = [...upstream].map(([root, r]) => [root, r.effect]);
    if (isRoot) out.push([d, own]);
    return out;
  };
  const out = new Map<string, Impact>();
  for (const n of graph.keys()) out.set(n, summarise(seen(n)));
  return out;
}

function summarise(reach: ReadonlyMap<string, Reach>): Impact {
  if (reach.size === 0) return { impacted: false, rootCauses: [], impactedBy: NONE, affected: false, affectedBy: NONE };
  const by = (effect: Effect): Cause[] => [...reach]
    .filter(([, r]) => r.effect === effect)
    .map(([rootCause, r]) => ({ rootCause, carries: [...r.carries].sort() }))
    .sort((a, b) => (a.rootCause < b.rootCause ? -1 : a.rootCause > b.rootCause ? 1 : 0));
  const impactedBy = by('impacted');
  const affectedBy = by('affected');
  return {
    impacted: impactedBy.length > 0,
    rootCauses: impactedBy.map((c) => c.rootCause),
    impactedBy,
    affected: affectedBy.length > 0,
    affectedBy,
  };
}

/**
 * The rule on plain edges and a yes/no health: every edge hard, unhealthy meaning an outage, so
 * only `impacted` and `rootCauses` carry anything. For callers without states or edge meaning.
 */
export function computeImpact(edges: Edges, unhealthy: (name: string) => boolean): Map<string, Pick<Impact, 'impacted' | 'rootCauses'>> {
  const effects = computeEffects(hardEdges(edges), (n) => (unhealthy(n) ? 'major_outage' : 'operational'));
  return new Map([...effects].map(([n, e]) => [n, { impacted: e.impacted, rootCauses: e.rootCauses }]));
}
