/*
 * Edges with meaning (DESIGN.md, "Impact"): each dependency says how hard it is and, optionally,
 * what it carries ("read-heavy queries"). The per-edge rule lives here, once: computeImpact walks
 * the graph with it, and the status page and the panel colour each drawn edge with it.
 */
import type { State } from './states.js';

/**
 * hard: an outage upstream is an outage risk here (the default, and every edge before edges had
 * meaning); soft: the dependent degrades but keeps working (a cache it falls back from); none:
 * drawn only, nothing propagates.
 */
export const EDGE_STRENGTHS = ['hard', 'soft', 'none'] as const;
export type EdgeStrength = (typeof EDGE_STRENGTHS)[number];

/** One edge: `name` is the dependency. */
export interface Dependency {
  readonly name: string;
  readonly strength: EdgeStrength;
  /** What the dependent uses it for, in a few words; shown as "affects: <carries> in <dependent>". */
  readonly carries?: string;
}

/** component -> its dependencies, with their edges' meaning. */
export type DependencyGraph = ReadonlyMap<string, readonly Dependency[]>;

/**
 * What a problem upstream does downstream. `impacted`: an outage risk, the fact of today's
 * statusgraph_component_impacted; `affected`: weaker, reported apart (it keeps working, worse).
 */
export type Effect = 'impacted' | 'affected';

/** The effect a component's own state has on a dependent through a hard edge. */
export function effectOfState(state: State | undefined): Effect | undefined {
  if (state === 'partial_outage' || state === 'major_outage') return 'impacted';
  if (state === 'degraded') return 'affected';
  return undefined;
}

/**
 * The one per-edge rule: an effect upstream seen through an edge. Hard passes it unchanged, soft
 * weakens an outage to `affected`, none passes nothing.
 *
 * | upstream        | hard     | soft     | none |
 * |-----------------|----------|----------|------|
 * | major/partial   | impacted | affected | -    |
 * | degraded        | affected | affected | -    |
 * | operational     | -        | -        | -    |
 */
export function throughEdge(strength: EdgeStrength, upstream: Effect | undefined): Effect | undefined {
  if (upstream === undefined || strength === 'none') return undefined;
  return strength === 'hard' ? upstream : 'affected';
}

/** The stronger of two effects. */
export function strongerEffect(a: Effect | undefined, b: Effect | undefined): Effect | undefined {
  return a === 'impacted' || b === 'impacted' ? 'impacted' : a ?? b;
}

/** What a component passes on to its dependents: the stronger of its own state's effect and what reaches it. */
export interface EffectSource {
  readonly state?: State;
  readonly impacted?: boolean;
  readonly affected?: boolean;
}

/**
 * The effect that flows along one drawn edge, for colouring it: the target's own state or what
 * reaches the target, through this edge's strength. The page and the panel call this, so an edge
 * is drawn hot exactly when computeImpact propagates through it.
 */
export function edgeEffect(strength: EdgeStrength, target: EffectSource | undefined): Effect | undefined {
  if (!target) return undefined;
  const reaching = target.impacted ? 'impacted' : target.affected ? 'affected' : undefined;
  return throughEdge(strength, strongerEffect(effectOfState(target.state), reaching));
}

/** Plain names (today's `depends_on: [a, b]`) as hard edges without text. */
export function hardEdges(edges: ReadonlyMap<string, readonly string[]>): DependencyGraph {
  return new Map([...edges].map(([n, ds]) => [n, ds.map((name) => ({ name, strength: 'hard' as const }))]));
}

/** The names only, for the functions of graph.ts (cycles, dependents), which ignore meaning. */
export function dependencyNames(graph: DependencyGraph): Map<string, string[]> {
  return new Map([...graph].map(([n, ds]) => [n, ds.map((d) => d.name)]));
}

/** "read-heavy queries in orders": the words of an "affects: ..." line, or the component's name alone. */
export function affectsText(component: string, carries: readonly string[]): string {
  return carries.length ? `${carries.join(', ')} in ${component}` : component;
}
