/*
 * The dependency graph: pure functions over `component -> its dependencies`. No I/O, so the
 * impact rules of DESIGN.md can be tested without servers.
 */

export type Edges = ReadonlyMap<string, readonly string[]>;

/** A cycle as a closed path (a -> b -> a), or undefined. Deterministic: follows input order. */
export function findCycle(edges: Edges): string[] | undefined {
  const WHITE = 0, GREY = 1, BLACK = 2;
  const color = new Map<string, number>();
  const stack: string[] = [];
  let found: string[] | undefined;
  const visit = (n: string): boolean => {
    color.set(n, GREY);
    stack.push(n);
    for (const d of edges.get(n) ?? []) {
      const c = color.get(d) ?? WHITE;
      if (c === GREY) {
        found = [...stack.slice(stack.indexOf(d)), d];
        return true;
      }
      if (c === WHITE && edges.has(d) && visit(d)) return true;
    }
    stack.pop();
    color.set(n, BLACK);
    return false;
  };
  for (const n of edges.keys()) {
    if ((color.get(n) ?? WHITE) === WHITE && visit(n)) return found;
  }
  return undefined;
}

/** Reverse edges: component -> the components that depend on it directly. */
export function dependentsOf(edges: Edges): Map<string, string[]> {
  const rev = new Map<string, string[]>();
  for (const n of edges.keys()) rev.set(n, []);
  for (const [n, deps] of edges) for (const d of deps) rev.get(d)?.push(n);
  return rev;
}

/** Every component downstream of each one (transitive dependents), sorted by name. */
export function transitiveDependents(edges: Edges): Map<string, string[]> {
  const rev = dependentsOf(edges);
  const out = new Map<string, string[]>();
  for (const n of edges.keys()) {
    const seen = new Set<string>();
    const queue = [...(rev.get(n) ?? [])];
    while (queue.length) {
      const m = queue.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      queue.push(...(rev.get(m) ?? []));
    }
    out.set(n, [...seen].sort());
  }
  return out;
}

export interface Impact {
  readonly impacted: boolean;
  /** Sorted; empty when not impacted. */
  readonly rootCauses: readonly string[];
}

/**
 * Impact and root causes per component. A component is impacted when an unhealthy component is
 * among its transitive dependencies. A root cause is an unhealthy dependency with no unhealthy
 * dependency of its own, i.e. the unhealthy component furthest upstream on a path. Memoised
 * depth-first over the DAG: O(V + E) per call, done once per snapshot.
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
