import { isUnhealthy, type State } from './states.js';

/**
 * Upstream impact per DESIGN.md ("Impact"): a component is impacted when something it depends on,
 * directly or transitively, is in partial or major outage; its root causes are the unhealthy
 * components on those paths that have no unhealthy dependency of their own. The panel uses this
 * only when its input carries no impact series (Node Graph frames), so both agree by definition.
 *
 * `dependsOn` maps a component to its direct dependencies. Cycles are tolerated: inside an
 * unhealthy cycle nobody qualifies as "furthest upstream", so every unhealthy member reached counts.
 */
export function computeRootCauses(
  states: ReadonlyMap<string, State | undefined>,
  dependsOn: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const unhealthy = (id: string) => isUnhealthy(states.get(id));
  const isRoot = (id: string) => unhealthy(id) && !(dependsOn.get(id) ?? []).some(unhealthy);
  const result = new Map<string, string[]>();
  const ids = [...new Set([...states.keys(), ...dependsOn.keys()])].sort();
  for (const id of ids) {
    const seen = new Set<string>([id]);
    const stack = [...(dependsOn.get(id) ?? [])];
    const reachedUnhealthy: string[] = [];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      if (unhealthy(next)) reachedUnhealthy.push(next);
      stack.push(...(dependsOn.get(next) ?? []));
    }
    if (reachedUnhealthy.length === 0) continue;
    const roots = reachedUnhealthy.filter(isRoot);
    result.set(id, [...new Set(roots.length > 0 ? roots : reachedUnhealthy)].sort());
  }
  return result;
}
