/*
 * Impact and root causes over the dependency graph (DESIGN.md, "Impact"): the one rule for the
 * exporter (snapshots, incidents), the panel (Node Graph frames without impact series) and the
 * status page. Apart from graph.ts so that the panel's bundle carries only this.
 */
import type { Edges } from './graph.js';

export interface Impact {
  readonly impacted: boolean;
  /** Sorted; empty when not impacted. */
  readonly rootCauses: readonly string[];
}

/**
 * Impact and root causes per component. A component is impacted when an unhealthy component is
 * among its transitive dependencies. A root cause is an unhealthy dependency with no unhealthy
 * component anywhere among its own transitive dependencies, i.e. the unhealthy component furthest
 * upstream on a path. Memoised depth-first over the DAG: O(V + E) per call, done once per snapshot.
 *
 * Components that only appear as dependencies (not keys of `edges`) count as having none, and get
 * no entry of their own.
 *
 * On a cycle (never from a loaded config), the walk stops at the edge that closes it, in input
 * order: the member of an unhealthy cycle where the walk came back counts as the root cause of
 * the cycle and of everything that reaches it, including, for that member, itself.
 */
export function computeImpact(edges: Edges, unhealthy: (name: string) => boolean): Map<string, Impact> {
  // roots(n): root causes found in n's dependency closure, n itself excluded.
  const memo = new Map<string, Set<string>>();
  const onPath = new Set<string>();
  const rootsOf = (n: string): Set<string> => {
    const cached = memo.get(n);
    if (cached) return cached;
    const acc = new Set<string>();
    if (onPath.has(n)) return acc; // cycles are refused at load; this guards hand-built graphs
    onPath.add(n);
    for (const d of edges.get(n) ?? []) {
      const upstream = rootsOf(d);
      for (const r of upstream) acc.add(r);
      // In a DAG, an unhealthy closure always holds a furthest-upstream unhealthy component, so an
      // empty `upstream` means d has no unhealthy dependency of its own.
      if (upstream.size === 0 && unhealthy(d)) acc.add(d);
    }
    onPath.delete(n);
    memo.set(n, acc);
    return acc;
  };
  const out = new Map<string, Impact>();
  for (const n of edges.keys()) {
    const roots = [...rootsOf(n)].sort();
    out.set(n, { impacted: roots.length > 0, rootCauses: roots });
  }
  return out;
}
