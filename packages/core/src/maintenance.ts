/*
 * Maintenance windows through the graph (issue 19): which outages are planned. Pure, on top of the
 * impact rule (impact.ts), so the exporter, the page and the panel say the same thing.
 */
import type { Impact } from './impact.js';
import { isUnhealthy, type State } from './states.js';

/** What a maintenance window means for one component. */
export interface Planned {
  /** A maintenance window covers the component itself: shown "under maintenance". */
  readonly underMaintenance: boolean;
  /** The root causes (of `Impact.rootCauses`) that are under maintenance, sorted. */
  readonly plannedRootCauses: readonly string[];
  /**
   * Its outage is planned work: it is in partial or major outage and every root cause of it is
   * under maintenance (itself, when nothing upstream explains it). An outage with one unplanned
   * root cause is a normal outage: the window does not hide what it did not cause.
   */
  readonly planned: boolean;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * The planned part of one component's impact. `covered(name)` says whether a window covers a
 * component now. A component under maintenance that fails because of an unplanned upstream root
 * cause is not planned (its root cause is that upstream); one impacted by a planned and an
 * unplanned root cause is not either.
 */
export function plannedOf(name: string, state: State | undefined, impact: Pick<Impact, 'impacted' | 'rootCauses'>, covered: (name: string) => boolean): Planned {
  const underMaintenance = covered(name);
  const plannedRootCauses = impact.rootCauses.length ? impact.rootCauses.filter(covered) : NONE;
  const down = isUnhealthy(state);
  const planned = down && (impact.impacted ? plannedRootCauses.length === impact.rootCauses.length : underMaintenance);
  return { underMaintenance, plannedRootCauses, planned };
}

/** `plannedOf` for every component of an impact map. */
export function computePlanned(impact: ReadonlyMap<string, Pick<Impact, 'impacted' | 'rootCauses'>>, stateOf: (name: string) => State | undefined, covered: (name: string) => boolean): Map<string, Planned> {
  const out = new Map<string, Planned>();
  for (const [name, imp] of impact) out.set(name, plannedOf(name, stateOf(name), imp, covered));
  return out;
}
