/*
 * The dependency graph: pure functions over `component -> its dependencies` (impact.ts holds the
 * root-cause rule). No I/O, so the rules of DESIGN.md can be tested without servers.
 *
 * Cycles: the config refuses them (findCycle, at load), so the exporter never meets one. A
 * hand-built graph (panel input from another source) may hold one; every function here and in
 * impact.ts still terminates, and computeImpact documents what it answers then.
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
