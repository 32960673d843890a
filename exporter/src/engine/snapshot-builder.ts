import type { ComponentConfig } from '../config/types.js';
import type { ComponentState } from './round.js';
import type { ComponentStatus, Cover, ProbeStatus, Snapshot, WindowRef } from './snapshot.js';
import { computeEffects, dependentsOf, isUnhealthy, plannedOf, transitiveDependents, type DependencyGraph, type Planned, type State } from '@statusgraph/core';

/** A component as the builder reads it: its config and its current state, read at build time. */
export interface BuildSource {
  readonly config: ComponentConfig;
  readonly state: ComponentState;
}

interface Built {
  readonly state: ComponentState;
  readonly impactKey: string;
  readonly status: ComponentStatus;
}

const EMPTY: readonly string[] = Object.freeze([]);
const NO_COVER: Cover = () => new Map();

/** Its last round's probes all passed but hysteresis (recover_after) still shows it down. */
function recovering(st: ComponentState): boolean {
  return isUnhealthy(st.hysteresis.state) && st.probes.length > 0 && st.probes.every((p) => p?.success === true);
}

/** Epoch ms of its last completed round (its oldest probe result); -Infinity before the first. */
function lastRound(st: ComponentState): number {
  if (st.probes.length === 0 || st.probes.includes(undefined)) return -Infinity;
  return Math.min(...st.probes.map((p) => p!.checkedAt));
}

/** The probes that have a result; the state's own array when all have (after the first round). */
function present(probes: readonly (ProbeStatus | undefined)[]): readonly ProbeStatus[] {
  return probes.includes(undefined) ? probes.filter((p): p is ProbeStatus => p !== undefined) : probes as readonly ProbeStatus[];
}

/**
 * Builds immutable snapshots from the components' states and the dependency graph. A component
 * whose state object and root causes are unchanged keeps its status object (and so its rendered
 * metrics), and impact is recomputed only after a state changed.
 */
export class SnapshotBuilder {
  private readonly edges: ReadonlyMap<string, readonly string[]>;
  private readonly graph: DependencyGraph;
  private readonly dependents: ReadonlyMap<string, readonly string[]>;
  private readonly upstream: ReadonlyMap<string, readonly string[]>;
  private readonly built: (Built | undefined)[];
  /** Bumped whenever a component's own state changes: impact is recomputed only then. */
  private stateEpoch = 0;
  private impact?: { epoch: number; byName: ReturnType<typeof computeEffects> };
  private seq: number;
  /** Components shown planned in the last snapshot, and the cover it was built with. */
  private planned = new Set<string>();
  private cover: ReadonlyMap<string, WindowRef> = new Map();
  /** Components in the grace after their plan ended, and when it ended (epoch ms). */
  private graceFrom: ReadonlyMap<string, number> = new Map();

  constructor(
    components: readonly ComponentConfig[],
    seq: number,
    /** Epoch ms: the snapshot's time stamp. */
    private readonly now: () => number,
    /** Which components maintenance windows cover, read once per build. */
    private readonly covers: Cover = NO_COVER,
  ) {
    this.edges = new Map(components.map((c) => [c.name, c.dependsOn]));
    this.graph = new Map(components.map((c) => [c.name, c.dependencies]));
    this.dependents = transitiveDependents(this.edges);
    // Following the reversed edges backwards walks the dependencies: the upstream closure.
    this.upstream = transitiveDependents(dependentsOf(this.edges));
    this.built = new Array<Built | undefined>(components.length).fill(undefined);
    this.seq = seq;
  }

  /** Sequence number of the last snapshot built. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Every dependency of `name`, direct or transitive. */
  upstreamOf(name: string): readonly string[] {
    return this.upstream.get(name) ?? EMPTY;
  }

  /**
   * The root causes of `name` in the last snapshot built: what a round that finishes now is
   * attributed to. Recomputing impact per round instead would cost O(components) per state change
   * during a cascade (seconds at 10,000 components); the last snapshot is at most one publish
   * window (25-500 ms) old, and any state change publishes within it.
   */
  rootCausesOf(name: string): readonly string[] {
    return this.impact?.byName.get(name)?.rootCauses ?? EMPTY;
  }

  /** Whether a maintenance window covered `name` in the last snapshot (SLO attribution of a round). */
  covered(name: string): boolean {
    return this.cover.has(name);
  }

  /**
   * The grace after a window (issue 19): components planned in the last snapshot that no window
   * covers now, that nothing upstream explains any more (a dependent's plan follows its root
   * causes) and that are still unhealthy. Each stays planned until its first probe round completed
   * after its plan ended (at most one interval: the last result may predate the window's end), and
   * after that only while it waits out recover_after with passing probes. A round that still fails
   * after the end is an overrun: a normal outage from that snapshot on, with its incident.
   */
  private graceOf(sources: readonly BuildSource[], impact: ReturnType<typeof computeEffects>, before: ReadonlyMap<string, WindowRef>, at: number): Set<string> {
    const held = new Set<string>();
    const ends = new Map<string, number>();
    for (const s of sources) {
      const name = s.config.name;
      if (!this.planned.has(name) || this.cover.has(name) || impact.get(name)?.impacted || !isUnhealthy(s.state.hysteresis.state)) continue;
      // Its own window's end when it just ended (a cancelled one ends now); a dependent's plan ends when its root recovered.
      const w = before.get(name);
      const end = this.graceFrom.get(name) ?? (w ? Math.min(w.endMs, at) : at);
      ends.set(name, end);
      if (lastRound(s.state) < end || recovering(s.state)) held.add(name);
    }
    this.graceFrom = ends;
    return held;
  }

  /** The planned part of a component: core's rule on the windows now and the grace after them. */
  private plannedNow(name: string, st: ComponentState, imp: { impacted: boolean; rootCauses: readonly string[] }, grace: ReadonlySet<string>): Planned {
    const p = plannedOf(name, st.hysteresis.state, imp, (n) => this.cover.has(n) || grace.has(n));
    // In grace it is planned, but no window covers it: not shown "under maintenance".
    return p.underMaintenance && !this.cover.has(name) ? { ...p, underMaintenance: false } : p;
  }

  /** A component's shown state changed: root causes must be recomputed at the next build. */
  stateChanged(): void {
    this.stateEpoch++;
  }

  /** `sources` are the components of the constructor's list, in the same order. */
  build(sources: readonly BuildSource[], cycle: { readonly lastCycleSeconds: number; readonly cyclesCompleted: number }): Snapshot {
    if (this.impact?.epoch !== this.stateEpoch) {
      const state = new Map<string, State>(sources.map((s) => [s.config.name, s.state.hysteresis.state]));
      this.impact = { epoch: this.stateEpoch, byName: computeEffects(this.graph, (n) => state.get(n)) };
    }
    const impact = this.impact.byName;
    const before = this.cover;
    this.cover = this.covers();
    const grace = this.graceOf(sources, impact, before, this.now());
    const planned = new Set<string>();
    const components: ComponentStatus[] = sources.map((s, i) => {
      const imp = impact.get(s.config.name)!;
      const window = this.cover.get(s.config.name);
      const pl = this.plannedNow(s.config.name, s.state, imp, grace);
      if (pl.planned) planned.add(s.config.name);
      // What is rendered of impact: roots of both kinds (carries follow from the fixed config), and maintenance.
      const impactKey = `${imp.rootCauses.join(',')}|${imp.affectedBy.map((a) => a.rootCause).join(',')}|${window ? `${window.id}@${window.startMs}-${window.endMs}` : ''}|${pl.planned ? 1 : 0}${pl.plannedRootCauses.join(',')}`;
      const prev = this.built[i];
      if (prev && prev.state === s.state && prev.impactKey === impactKey) return prev.status;
      const c = s.config;
      const st = s.state;
      const status: ComponentStatus = Object.freeze({
        name: c.name,
        tier: c.tier,
        displayName: c.displayName,
        environment: c.environment,
        ...(c.runbook !== undefined ? { runbook: c.runbook } : {}),
        dependsOn: c.dependsOn,
        dependencies: c.dependencies,
        incidentsOpenAt: c.incidentsOpenAt,
        ...(c.slo ? { slo: c.slo } : {}),
        state: st.hysteresis.state,
        since: st.since,
        ...(st.reason !== undefined ? { reason: st.reason } : {}),
        maintenance: st.maintenance,
        ...(window ? { window } : {}),
        planned: pl.planned,
        plannedRootCauses: pl.plannedRootCauses,
        impacted: imp.impacted,
        rootCauses: imp.rootCauses,
        impactedBy: imp.impactedBy,
        affected: imp.affected,
        affectedBy: imp.affectedBy,
        dependents: this.dependents.get(c.name) ?? [],
        probes: present(st.probes),
        checked: st.checked,
        stateChanges: st.stateChanges,
        counts: st.counts,
      });
      this.built[i] = { state: st, impactKey, status };
      return status;
    });
    this.planned = planned;
    return Object.freeze({
      seq: ++this.seq,
      at: this.now(),
      components: Object.freeze(components),
      byName: new Map(components.map((c) => [c.name, c])),
      cycleDurationSeconds: cycle.lastCycleSeconds,
      cyclesCompleted: cycle.cyclesCompleted,
    });
  }
}
