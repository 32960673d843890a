import { computeImpact, isUnhealthy, type State } from '@statusgraph/core';

/**
 * Root causes per impacted component, for input that carries no impact series (Node Graph frames).
 * The rule is the exporter's own (core's computeImpact, DESIGN.md "Impact"), so the panel and the
 * exporter agree by construction; this only adapts the panel's maps to it.
 *
 * `dependsOn` maps a component to its direct dependencies. Cycles terminate; what they answer is
 * documented on computeImpact (the exporter never sends one: its config refuses cycles).
 */
export function computeRootCauses(
  states: ReadonlyMap<string, State | undefined>,
  dependsOn: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const ids = [...new Set([...states.keys(), ...dependsOn.keys()])].sort();
  const edges = new Map(ids.map((id) => [id, dependsOn.get(id) ?? []]));
  const result = new Map<string, string[]>();
  for (const [id, impact] of computeImpact(edges, (n) => isUnhealthy(states.get(n)))) {
    if (impact.impacted) result.set(id, [...impact.rootCauses]);
  }
  return result;
}
