import { dayWindows, MAINTENANCE_QUERY, type DayWindow } from './maintenance.js';
import type { PromClient, RangeSeries } from './promql.js';
import {
  episodes, incidents, meanTimeToRecovery, overallUptime, slowestAgainstBaseline, causesAt,
  type CauseIndex, type ComponentEpisode, type LatencyComparison, type Window,
} from './maths.js';
import { collectSlo, type SloRow } from './slo.js';
import { collectNoise, type NoiseData } from './noise.js';

/**
 * The PromQL of the reports and the data they gather. Uptime and latency read the recording rules
 * of provisioning/prometheus/rules/recording.yml (component:statusgraph_available:bool and
 * component:statusgraph_probe_duration_seconds:avg) over windows that end exactly at `now`, so a
 * report run at 09:00:07 covers 09:00:07 back to 09:00:07 the day before.
 */
export const QUERIES = {
  state: 'max by (component, tier) (statusgraph_component_status)',
  uptime: (range: string) => `avg_over_time(component:statusgraph_available:bool[${range}])`,
  latency: (range: string) => `avg_over_time(component:statusgraph_probe_duration_seconds:avg[${range}])`,
  stateSeries: 'max by (component) (statusgraph_component_status)',
  causes: 'max by (component, root_cause) (statusgraph_component_impacted)',
} as const;

const DAY_MS = 86_400_000;

export interface ComponentRow {
  readonly component: string;
  readonly tier: string;
  /** Current own state (0-3), undefined when Prometheus has no recent sample. */
  readonly state?: number;
  readonly uptime?: number;
  readonly previousUptime?: number;
}

export interface DailyData {
  readonly kind: 'daily';
  readonly window: Window;
  readonly components: readonly ComponentRow[];
  readonly overallUptime?: number;
  /** Degradations and outages in the window, oldest first. */
  readonly episodes: readonly ComponentEpisode[];
  readonly slowest?: LatencyComparison;
  /** Maintenance windows in force during the window (issue 19), oldest first; absent: none seen. */
  readonly maintenance?: readonly DayWindow[];
}

export interface WeeklyData {
  readonly kind: 'weekly';
  readonly window: Window;
  readonly components: readonly ComponentRow[];
  readonly overallUptime?: number;
  readonly previousOverallUptime?: number;
  readonly incidents: readonly ComponentEpisode[];
  readonly previousIncidents: readonly ComponentEpisode[];
  readonly mttrMs?: number;
  readonly previousMttrMs?: number;
  /** Components with an objective, most budget burned first. */
  readonly slo: readonly SloRow[];
  readonly noise: NoiseData;
}

function byComponent(samples: readonly { labels: Readonly<Record<string, string>>; value: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const c = s.labels.component;
    if (c !== undefined && Number.isFinite(s.value)) out.set(c, s.value);
  }
  return out;
}

function causeIndex(series: readonly RangeSeries[]): CauseIndex {
  const index = new Map<string, Map<string, Set<number>>>();
  for (const s of series) {
    const { component, root_cause: cause } = s.labels;
    if (component === undefined || cause === undefined) continue;
    const byCause = index.get(component) ?? new Map<string, Set<number>>();
    index.set(component, byCause);
    const times = byCause.get(cause) ?? new Set<number>();
    byCause.set(cause, times);
    for (const [t, v] of s.points) if (v >= 1) times.add(t);
  }
  return index;
}

async function componentEpisodes(client: PromClient, window: Window, threshold: number): Promise<ComponentEpisode[]> {
  const start = new Date(window.startMs);
  const end = new Date(window.endMs);
  const step = window.stepMs / 1000;
  const [states, causes] = await Promise.all([
    client.queryRange(QUERIES.stateSeries, start, end, step),
    client.queryRange(QUERIES.causes, start, end, step),
  ]);
  const index = causeIndex(causes);
  const out: ComponentEpisode[] = [];
  for (const s of states) {
    const component = s.labels.component;
    if (component === undefined) continue;
    for (const e of episodes(s.points, window, threshold)) {
      out.push({ ...e, component, causes: causesAt(index, component, e.startedBefore ? window.startMs : e.startMs) });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.component.localeCompare(b.component));
}

function rows(tiers: ReadonlyMap<string, string>, state: ReadonlyMap<string, number>, uptime: ReadonlyMap<string, number>, previous?: ReadonlyMap<string, number>): ComponentRow[] {
  const names = new Set([...tiers.keys(), ...uptime.keys()]);
  return [...names].sort().map((component) => ({
    component,
    tier: tiers.get(component) ?? '',
    state: state.get(component),
    uptime: uptime.get(component),
    previousUptime: previous?.get(component),
  }));
}

async function tiersAndUptime(client: PromClient, range: string, at: Date): Promise<{ tiers: Map<string, string>; uptime: Map<string, number> }> {
  const samples = await client.query(QUERIES.uptime(range), at);
  const tiers = new Map<string, string>();
  for (const s of samples) if (s.labels.component !== undefined) tiers.set(s.labels.component, s.labels.tier ?? '');
  return { tiers, uptime: byComponent(samples) };
}

export async function collectDaily(client: PromClient, now: Date, stepSeconds = 60): Promise<DailyData> {
  const window: Window = { startMs: now.getTime() - DAY_MS, endMs: now.getTime(), stepMs: stepSeconds * 1000 };
  const [stateSamples, up, day, week, eps, windows] = await Promise.all([
    client.query(QUERIES.state, now),
    tiersAndUptime(client, '24h', now),
    client.query(QUERIES.latency('24h'), now),
    client.query(QUERIES.latency('7d'), now),
    componentEpisodes(client, window, 1),
    client.queryRange(MAINTENANCE_QUERY, new Date(window.startMs), now, stepSeconds),
  ]);
  const maintenance = dayWindows(windows, window.endMs, window.stepMs);
  const tiers = new Map(up.tiers);
  for (const s of stateSamples) if (s.labels.component !== undefined) tiers.set(s.labels.component, s.labels.tier ?? '');
  return {
    kind: 'daily',
    window,
    components: rows(tiers, byComponent(stateSamples), up.uptime),
    overallUptime: overallUptime([...up.uptime.values()]),
    episodes: eps,
    slowest: slowestAgainstBaseline(byComponent(day), byComponent(week)),
    ...(maintenance.length ? { maintenance } : {}),
  };
}

export async function collectWeekly(client: PromClient, now: Date, stepSeconds = 60): Promise<WeeklyData> {
  const weekMs = 7 * DAY_MS;
  const window: Window = { startMs: now.getTime() - weekMs, endMs: now.getTime(), stepMs: stepSeconds * 1000 };
  const previousWindow: Window = { startMs: window.startMs - weekMs, endMs: window.startMs, stepMs: window.stepMs };
  const [stateSamples, up, prevUp, outages, prevOutages, slo] = await Promise.all([
    client.query(QUERIES.state, now),
    tiersAndUptime(client, '7d', now),
    tiersAndUptime(client, '7d', new Date(previousWindow.endMs)),
    componentEpisodes(client, window, 2),
    componentEpisodes(client, previousWindow, 2),
    collectSlo(client, now),
  ]);
  const tiers = new Map(up.tiers);
  for (const s of stateSamples) if (s.labels.component !== undefined) tiers.set(s.labels.component, s.labels.tier ?? '');
  const current = incidents(outages);
  const previous = incidents(prevOutages);
  const noise = await collectNoise(client, window, previousWindow, current);
  return {
    kind: 'weekly',
    window,
    components: rows(tiers, byComponent(stateSamples), up.uptime, prevUp.uptime),
    overallUptime: overallUptime([...up.uptime.values()]),
    previousOverallUptime: overallUptime([...prevUp.uptime.values()]),
    incidents: current,
    previousIncidents: previous,
    mttrMs: meanTimeToRecovery(current),
    previousMttrMs: meanTimeToRecovery(previous),
    slo,
    noise,
  };
}
