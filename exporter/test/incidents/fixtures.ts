import { ZERO_COUNTS } from '../../src/engine/attribution.js';
/*
 * Synthetic snapshots for the incident tests, built with the real graph functions so impact and
 * root causes are what the scheduler would compute for the same states.
 */
import pino from 'pino';
import { HISTORY_DEFAULTS } from '../../src/config/types.js';
import type { Config, ComponentConfig } from '../../src/config/types.js';
import { computeEffects, plannedOf, transitiveDependents, isUnhealthy, type Dependency, type State } from '@statusgraph/core';
import type { ComponentStatus, Snapshot, StateChange } from '../../src/engine/snapshot.js';

/** component -> its dependencies: names (hard edges) or edges with meaning. */
export type Topology = Record<string, (string | Dependency)[]>;

const edgesOf = (deps: readonly (string | Dependency)[]): Dependency[] => deps.map((d) => (typeof d === 'string' ? { name: d, strength: 'hard' } : d));
const namesOf = (deps: readonly (string | Dependency)[]): string[] => deps.map((d) => (typeof d === 'string' ? d : d.name));

/** db <- api <- web, plus an unrelated `mail`. */
export const CHAIN: Topology = { db: [], api: ['db'], web: ['api'], mail: [] };

/**
 * Every checked component gets one probe result taken at `opts.at` (or `probedAt[name]`), and its
 * state `since` is `opts.at` (or `since[name]`).
 */
export function snapshot(
  topology: Topology,
  states: Record<string, State>,
  opts: { seq?: number; at: number; unchecked?: string[]; probedAt?: Record<string, number>; since?: Record<string, number>; openAt?: Record<string, 'degraded' | 'partial_outage'>; reasons?: Record<string, string>; windows?: readonly string[]; rounds?: Record<string, number> },
): Snapshot {
  const edges = new Map(Object.entries(topology).map(([n, deps]) => [n, namesOf(deps)]));
  const stateOf = (n: string): State => states[n] ?? 'operational';
  const impact = computeEffects(new Map(Object.entries(topology).map(([n, deps]) => [n, edgesOf(deps)])), stateOf);
  const downstream = transitiveDependents(edges);
  const components: ComponentStatus[] = Object.keys(topology).map((name) => ({
    name,
    tier: 'service',
    displayName: name,
    environment: 'production',
    dependsOn: namesOf(topology[name]!),
    dependencies: edgesOf(topology[name]!),
    incidentsOpenAt: opts.openAt?.[name] ?? 'major_outage',
    state: stateOf(name),
    ...(opts.reasons?.[name] ? { reason: opts.reasons[name] } : {}),
    since: opts.since?.[name] ?? opts.at,
    maintenance: false,
    // Components under a maintenance window (issue 19), with core's planned rule.
    ...(opts.windows?.includes(name) ? { window: { id: 'mw-test', title: 'Test work', startMs: 0, endMs: opts.at + 3_600_000 } } : {}),
    ...(opts.windows ? (({ planned, plannedRootCauses }) => ({ planned, plannedRootCauses }))(plannedOf(name, stateOf(name), impact.get(name)!, (n) => opts.windows!.includes(n))) : {}),
    impacted: impact.get(name)!.impacted,
    rootCauses: impact.get(name)!.rootCauses,
    impactedBy: impact.get(name)!.impactedBy,
    affected: impact.get(name)!.affected,
    affectedBy: impact.get(name)!.affectedBy,
    dependents: downstream.get(name)!,
    probes: (opts.unchecked ?? []).includes(name) ? [] : [{
      name: 'http', kind: 'http', success: !isUnhealthy(stateOf(name)), durationSeconds: 0.01, inconclusive: false, maintenance: false,
      measurements: [], info: undefined, checkedAt: opts.probedAt?.[name] ?? opts.at,
    }],
    checked: !(opts.unchecked ?? []).includes(name),
    stateChanges: 0,
    counts: opts.rounds?.[name] !== undefined ? { ...ZERO_COUNTS, rounds: opts.rounds[name] } : ZERO_COUNTS,
  }));
  return {
    seq: opts.seq ?? 1,
    at: opts.at,
    components,
    byName: new Map(components.map((c) => [c.name, c])),
    cycleDurationSeconds: 0.01,
    cyclesCompleted: opts.seq ?? 1,
  };
}

/** The changes between two state maps, as the scheduler would emit them. */
export function changesBetween(before: Snapshot | undefined, after: Snapshot): StateChange[] {
  const out: StateChange[] = [];
  for (const c of after.components) {
    const from = before?.byName.get(c.name)?.state ?? 'operational';
    if (from !== c.state) out.push({ component: c.name, from, to: c.state, rootCauses: c.rootCauses, at: after.at, reason: c.state === 'operational' ? undefined : 'connection refused' });
  }
  return out;
}

export function config(topology: Topology, over: Partial<Config> = {}): Config {
  const components: ComponentConfig[] = Object.entries(topology).map(([name, deps]) => ({
    name, tier: 'service', displayName: name, environment: 'production', dependsOn: namesOf(deps), dependencies: edgesOf(deps),
    incidentsOpenAt: 'major_outage', failAfter: 1, recoverAfter: 2, degradeAfter: 3, probes: [],
  }));
  return {
    file: '/tmp/statusgraph-test.yml',
    intervalMs: 1000,
    timeoutMs: 500,
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: '/nonexistent',
    maxConcurrency: 8,
    reports: { timezone: 'UTC', daily: false, weekly: false }, history: HISTORY_DEFAULTS,
    components,
    secrets: [],
    ...over,
  };
}

export const silentLogger = pino({ level: 'silent' });

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 10, 21, 7, 0, 0)): { now: () => number; advance(ms: number): number } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
