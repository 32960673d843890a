import { computeEffects, type Dependency, type State } from '@statusgraph/core';

/**
 * Impact per component, for input that carries no impact series (Node Graph frames). The rule is
 * the exporter's own (core's computeEffects, DESIGN.md "Impact"), so the panel and the exporter
 * agree by construction; this only adapts the panel's maps to it.
 *
 * `dependsOn` maps a component to its direct dependencies: names (hard edges) or edges with their
 * meaning. Cycles terminate; what they answer is documented on computeEffects (the exporter never
 * sends one: its config refuses cycles).
 */
export function computeImpactOf(
  states: ReadonlyMap<string, State | undefined>,
  dependsOn: ReadonlyMap<string, ReadonlyArray<string | Dependency>>,
): Map<string, { readonly rootCauses: string[]; readonly affectedBy: string[] }> {
  const ids = [...new Set([...states.keys(), ...dependsOn.keys()])].sort();
  const graph = new Map(ids.map((id) => [id, (dependsOn.get(id) ?? []).map((d): Dependency => (typeof d === 'string' ? { name: d, strength: 'hard' } : d))]));
  const result = new Map<string, { rootCauses: string[]; affectedBy: string[] }>();
  for (const [id, e] of computeEffects(graph, (n) => states.get(n))) {
    if (e.impacted || e.affected) {
      result.set(id, { rootCauses: [...e.rootCauses], affectedBy: e.affectedBy.map((a) => a.rootCause) });
    }
  }
  return result;
}

/** Root causes per impacted component (hard edges and outages only: the rule before edges had meaning). */
export function computeRootCauses(
  states: ReadonlyMap<string, State | undefined>,
  dependsOn: ReadonlyMap<string, ReadonlyArray<string | Dependency>>,
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [id, e] of computeImpactOf(states, dependsOn)) {
    if (e.rootCauses.length) {
      result.set(id, e.rootCauses);
    }
  }
  return result;
}
