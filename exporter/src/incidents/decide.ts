/*
 * The automatic incident rules as a pure function: open incidents + one snapshot in, a list of
 * actions out. No clock, no store, so every rule is testable with synthetic snapshots.
 */
import type { ComponentStatus, Snapshot, StateChange } from '../engine/snapshot.js';
import { STATE_LABELS, stateValue, type State } from '@statusgraph/core';
import { affectsLine, formatDuration, listOrNone } from './format.js';
import { SYSTEM_AUTHOR, type Action, type Incident, type IncidentRef, type Severity } from './types.js';

export interface DecideInput {
  /** Every open incident (automatic and manual), as stored. */
  readonly open: readonly Incident[];
  readonly snapshot: Snapshot;
  readonly changes: readonly StateChange[];
  /** Own state of each component as last seen by the engine; empty after a start. */
  readonly previous: ReadonlyMap<string, State>;
  /**
   * The state a component last had in a stored incident's timeline (its newest entry naming the
   * component with a `to`), asked only for a component seen for the first time since the start.
   */
  readonly recorded?: (incidentId: number, component: string) => State | undefined;
}

export interface DecideOutput {
  readonly actions: Action[];
  /** `previous` for the next snapshot (`previous` itself when nothing changed). */
  readonly states: ReadonlyMap<string, State>;
}

interface Working {
  readonly ref: IncidentRef;
  readonly source: Incident['source'];
  readonly rootCause: string | null;
  readonly startedAt: number;
  severity: Severity;
  readonly components: Set<string>;
  readonly tookDown: Set<string>;
}

function severityFor(root: ComponentStatus | undefined): Severity {
  // The root itself down is the worst case; a root in partial outage that takes a dependent down
  // is serious but not total; a degradation (opened by policy, incidents.open_at) is minor.
  if (root?.state === 'major_outage') return 'critical';
  return root?.state === 'degraded' ? 'minor' : 'major';
}

/**
 * The root causes an incident of `c` belongs to: what impacts it; for a degradation, also what
 * affects it (core's rule: a degradation reached by anything is explained by it); else itself.
 */
function rootsOf(c: ComponentStatus): readonly string[] {
  if (c.rootCauses.length) return c.rootCauses;
  if (c.state === 'degraded' && c.affectedBy.length) return c.affectedBy.map((a) => a.rootCause);
  return [c.name];
}

/**
 * The roots whose incident `c` opens or joins: its root causes less the planned ones (issue 19).
 * A component down for a root cause under maintenance and another one is an outage of the other
 * one; planned work is never an incident's root cause, whatever order the snapshots come in.
 */
function incidentRootsOf(c: ComponentStatus): readonly string[] {
  const roots = rootsOf(c);
  const planned = c.plannedRootCauses ?? [];
  if (planned.length === 0) return roots;
  const unplanned = roots.filter((r) => !planned.includes(r));
  return unplanned.length ? unplanned : roots;
}

/** 0 for a component that is its own root cause, else how many roots it has: roots sort first. */
function rootRank(c: ComponentStatus): number {
  const roots = rootsOf(c);
  return roots.length === 1 && roots[0] === c.name ? 0 : roots.length;
}

/** "in major outage", "degraded": the words after "<component> is". */
function inState(state: State): string {
  return state === 'degraded' || state === 'operational' ? state : `in ${STATE_LABELS[state].toLowerCase()}`;
}

/** Whether `state` is at or past a component's incident threshold (config incidents.open_at). */
function opens(c: ComponentStatus, state: State | undefined): boolean {
  return state !== undefined && stateValue(state) >= stateValue(c.incidentsOpenAt);
}

/**
 * The impacted and the affected components of a root cause, apart, and the "affects: ..." line
 * from the edges' texts ("read-heavy queries in orders"), for the incident's opening entry.
 */
function reach(snapshot: Snapshot, root: string): string {
  const impacted: string[] = [];
  const affected: string[] = [];
  const carried: { component: string; carries: readonly string[] }[] = [];
  for (const c of snapshot.components) {
    const hit = c.impactedBy.find((x) => x.rootCause === root) ?? c.affectedBy.find((x) => x.rootCause === root);
    if (!hit) continue;
    (c.rootCauses.includes(root) ? impacted : affected).push(c.name);
    if (hit.carries.length) carried.push({ component: c.name, carries: hit.carries });
  }
  const line = affectsLine(carried);
  return `impacted: ${listOrNone(impacted.sort())}; affected: ${listOrNone(affected.sort())}${line ? `; ${line}` : ''}`;
}

function changeText(c: StateChange, firstSight: boolean): string {
  const reason = c.reason ? ` (${c.reason})` : '';
  // After a start the monitor begins from operational: "operational → major" would claim a
  // transition nobody saw, so say what is known.
  if (firstSight) return `${c.component}: ${STATE_LABELS[c.to]} at the first check after statusgraph started${reason}`;
  return `${c.component}: ${STATE_LABELS[c.from]} → ${STATE_LABELS[c.to]}${reason}`;
}

/**
 * A component counts as recovered once it is out of partial and major outage (after its own
 * hysteresis), or, when its threshold is degraded, back to operational.
 */
function recovered(s: ComponentStatus | undefined): boolean {
  // A component removed from the config can no longer hold an incident open.
  if (s === undefined) return true;
  return s.checked && stateValue(s.state) < Math.min(stateValue(s.incidentsOpenAt), stateValue('partial_outage'));
}

/** Epoch ms of a component's last completed probe round (its oldest probe result), if any. */
function lastRound(c: ComponentStatus): number | undefined {
  if (c.probes.length === 0) return undefined;
  return Math.min(...c.probes.map((p) => p.checkedAt));
}

/** Every component `name` depends on, directly or transitively. */
function upstream(snapshot: Snapshot, name: string): ComponentStatus[] {
  const seen = new Set<string>();
  const out: ComponentStatus[] = [];
  const queue = [...(snapshot.byName.get(name)?.dependsOn ?? [])];
  while (queue.length) {
    const n = queue.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const c = snapshot.byName.get(n);
    if (c) {
      out.push(c);
      queue.push(...c.dependsOn);
    }
  }
  return out;
}

/**
 * Whether the engine may act on a component's state yet. Components are probed in separate
 * rounds, so when a dependent fails first its dependencies' results may predate the failure: its
 * root cause is only known once each dependency has been probed since (within one interval). Until
 * then a dependent would look like its own root cause and open a second incident for one outage.
 * The same holds at start, before a dependency has been probed at all.
 */
function decidable(snapshot: Snapshot): (c: ComponentStatus) => boolean {
  // "It and everything upstream has been probed", memoised: one pass over the graph per snapshot.
  const settledMemo = new Map<string, boolean>();
  const settled = (name: string): boolean => {
    const known = settledMemo.get(name);
    if (known !== undefined) return known;
    settledMemo.set(name, false); // cycles are refused at load; this only guards hand-built graphs
    const c = snapshot.byName.get(name);
    const ok = c !== undefined && c.checked && c.dependsOn.every(settled);
    settledMemo.set(name, ok);
    return ok;
  };
  return (c) => {
    if (!settled(c.name)) return false;
    if (c.state !== 'major_outage' && !opens(c, c.state)) return true;
    return upstream(snapshot, c.name).every((d) => (lastRound(d) ?? -Infinity) >= c.since);
  };
}

export function decide({ open, snapshot, changes, previous, recorded }: DecideInput): DecideOutput {
  const at = snapshot.at;
  const actions: Action[] = [];
  const working: Working[] = open.map((i) => ({
    ref: { id: i.id },
    source: i.source,
    rootCause: i.rootCause,
    startedAt: i.startedAt,
    severity: i.severity,
    components: new Set(i.components),
    tookDown: new Set(i.tookDown),
  }));
  const byRoot = new Map<string, Working>();
  for (const w of working) if (w.source === 'auto' && w.rootCause !== null) byRoot.set(w.rootCause, w);

  // Components reaching the state that opens an incident for them (major outage unless
  // incidents.open_at says otherwise), derived from the snapshot rather than from `changes` alone:
  // after a restart `previous` is empty, so whatever is down re-attaches to its stored incident.
  const ready = decidable(snapshot);
  const entered = snapshot.components
    // The cheap tests first: `ready` walks the graph, and most snapshots have nothing entering.
    // Planned work opens nothing (issue 19): its outage is a maintenance window's, every root cause
    // of it under maintenance (or in the engine's grace after the window). `previous` does not take
    // a planned outage in, so an overrun (still down past the grace, no longer planned) enters here
    // like any outage; a recovery within the grace is no outage at all.
    .filter((c) => opens(c, c.state) && !opens(c, previous.get(c.name)) && c.planned !== true && ready(c))
    // Roots first, so a dependent going down in the same cycle joins its root's new incident.
    .sort((a, b) => rootRank(a) - rootRank(b));

  for (const c of entered) {
    const roots = incidentRootsOf(c);
    const existing = roots.map((r) => byRoot.get(r)).find((w) => w !== undefined);
    const reportedByChange = changes.some((ch) => ch.component === c.name && ch.to === c.state);
    if (existing) {
      const root = existing.rootCause ?? c.name;
      const blast = snapshot.byName.get(root)?.dependents ?? [];
      if (!existing.tookDown.has(c.name)) {
        actions.push({
          type: 'join',
          ref: existing.ref,
          component: c.name,
          blastRadius: blast,
          // The state-change entry below already records it; otherwise (seen after a restart) say so.
          entry: reportedByChange ? undefined : {
            at, kind: 'joined', author: SYSTEM_AUTHOR, component: c.name, to: c.state,
            text: `${c.name} is ${inState(c.state)} (root cause: ${root})`,
          },
        });
        existing.tookDown.add(c.name);
        existing.components.add(c.name);
        for (const b of blast) existing.components.add(b);
      }
      if (c.name === existing.rootCause && existing.severity !== 'critical') {
        existing.severity = 'critical';
        actions.push({
          type: 'severity', ref: existing.ref, severity: 'critical',
          entry: { at, kind: 'severity', author: SYSTEM_AUTHOR, component: c.name, text: `Severity raised to critical: ${c.name} is in major outage` },
        });
      }
      continue;
    }
    const rootName = roots[0]!;
    const root = snapshot.byName.get(rootName);
    const severity = severityFor(root);
    const blastRadius = [...(root?.dependents ?? [])].sort();
    const tookDown = new Set([c.name]);
    if (root && (root.state === 'major_outage' || opens(root, root.state))) tookDown.add(rootName);
    const rootLabel = root ? STATE_LABELS[root.state] : STATE_LABELS.major_outage;
    const title = c.name === rootName ? `${rootName}: ${rootLabel}` : `${rootName}: ${rootLabel}, ${c.name} down`;
    const w: Working = {
      ref: { root: rootName },
      source: 'auto',
      rootCause: rootName,
      startedAt: at,
      severity,
      components: new Set([rootName, ...blastRadius, c.name]),
      tookDown,
    };
    actions.push({
      type: 'open',
      rootCause: rootName,
      title,
      severity,
      components: [...w.components].sort(),
      blastRadius,
      tookDown: [...tookDown].sort(),
      at,
      entry: {
        at, kind: 'opened', author: SYSTEM_AUTHOR, component: c.name, to: c.state, status: 'investigating',
        text: `Opened: ${c.name} is ${inState(c.state)}${c.reason ? ` (${c.reason})` : ''}; root cause ${rootName}; blast radius: ${listOrNone(blastRadius)}; ${reach(snapshot, rootName)}`,
      },
    });
    working.push(w);
    byRoot.set(rootName, w);
  }

  for (const ch of changes) {
    const firstSight = !previous.has(ch.component);
    for (const w of working) {
      if (!w.components.has(ch.component)) continue;
      // A restart finding the state the incident already recorded is no change: the fresh monitor
      // reports "operational -> X" for everything down at start, and each restart during a long
      // outage would otherwise add an entry (and a Slack reply, a webhook call) saying nothing new.
      if (firstSight && 'id' in w.ref && recorded?.(w.ref.id, ch.component) === ch.to) continue;
      actions.push({
        type: 'entry', ref: w.ref,
        entry: {
          at: ch.at, kind: 'state_change', author: SYSTEM_AUTHOR, component: ch.component,
          ...(firstSight ? {} : { from: ch.from }), to: ch.to, text: changeText(ch, firstSight),
        },
      });
    }
  }

  for (const w of working) {
    if (w.source !== 'auto' || w.rootCause === null) continue;
    const watch = new Set([w.rootCause, ...w.tookDown]);
    if (![...watch].every((name) => recovered(snapshot.byName.get(name)))) continue;
    actions.push({
      type: 'resolve', ref: w.ref, at,
      entry: {
        at, kind: 'resolved', author: SYSTEM_AUTHOR, status: 'resolved',
        text: `Resolved: ${listOrNone([...watch].sort())} recovered after ${formatDuration(at - w.startedAt)}`,
      },
    });
  }

  // A component not decidable yet keeps its old entry, so it is looked at again next snapshot.
  // Copied only when something changed: most snapshots change nothing, and at 10,000 components
  // a copy per snapshot was a third of the incident rules' garbage.
  let states: Map<string, State> | undefined;
  for (const c of snapshot.components) {
    if (previous.get(c.name) === c.state || !ready(c) || (c.planned === true && opens(c, c.state))) continue;
    (states ??= new Map(previous)).set(c.name, c.state);
  }
  return { actions, states: states ?? previous };
}
