/**
 * The page's pure logic: the headline, incident order,
 * uptime slots and sparkline geometry. No DOM here, so it is tested in Node.
 */
import {
  affectsText, DURATION_STYLES, edgeEffect, formatDuration as formatDurationIn, isUnhealthy, STATES, STATE_LABELS, stateValue, TIER_LABELS, worst,
  type ComponentView as ApiComponent, type IncidentView as ApiIncident, type ProbeView as ApiProbe, type State,
} from '@statusgraph/core';

export { STATES, STATE_LABELS, TIER_LABELS };
export type { State };

/** What the page reads of a probe in the API's component view. */
export type ProbeView = Pick<ApiProbe, 'name' | 'kind' | 'success' | 'durationSeconds' | 'checkedAt' | 'error'>
  & Partial<Pick<ApiProbe, 'inconclusive'>>;

/**
 * What the page reads of a component: the API's view (core's ComponentView), with the parts only
 * the full GET /api/v1/components answer is sure to carry left optional.
 */
export type ComponentView = Pick<ApiComponent,
  'name' | 'displayName' | 'tier' | 'state' | 'since' | 'reason' | 'maintenance' | 'impacted' | 'rootCauses' | 'dependsOn'>
  & Partial<Pick<ApiComponent, 'checked' | 'runbook' | 'affected' | 'affectedBy' | 'dependencies' | 'slo' | 'environment'
    | 'underMaintenance' | 'maintenanceWindow' | 'planned' | 'plannedRootCauses'>> & { readonly probes?: readonly ProbeView[] };

/**
 * How one drawn edge looks: its strength (soft dashed, none dotted), what flows along it by core's
 * per-edge rule (edgeEffect, the rule computeImpact walks with), and its tooltip with what it carries.
 */
export function edgeStyle(source: ComponentView, target: ComponentView | undefined): (dependency: string) => { className: string; title: string } {
  return (dependency) => {
    const d = source.dependencies?.find((x) => x.name === dependency);
    const strength = d?.strength ?? 'hard';
    const effect = edgeEffect(strength, target);
    const className = `edge${strength === 'hard' ? '' : ` ${strength}`}${effect === 'impacted' ? ' hot' : effect === 'affected' ? ' affected' : ''}`;
    const title = `${source.name} → ${dependency}${d?.carries ? `: ${d.carries}` : ''} (${strength})`;
    return { className, title };
  };
}

/** "Affected by postgresql-replica (read-heavy queries)": the affected line of a card; null when not affected. */
export function affectedLine(c: ComponentView): string | null {
  if (!c.affected || !c.affectedBy?.length) return null;
  return `Affected by ${c.affectedBy.map((a) => (a.carries.length ? `${a.rootCause} (${affectsText(c.name, a.carries)})` : a.rootCause)).join(', ')}`;
}

/** What the page reads of an incident (core's IncidentView); `tookDown` it does not show. */
export type IncidentView = Omit<ApiIncident, 'tookDown'>;

export type TimelineEntry = NonNullable<IncidentView['timeline']>[number];

/**
 * The timeline as shown: newest first, each entry keeping its number in time order (1 = the
 * first thing that happened), so the top entry of a 5-entry timeline is number 5, not 1.
 */
export function timelineNewestFirst(timeline: readonly TimelineEntry[]): { readonly n: number; readonly entry: TimelineEntry }[] {
  return timeline.map((entry, i) => ({ n: i + 1, entry })).reverse();
}

export interface Headline {
  readonly state: State;
  readonly text: string;
  readonly roots: readonly string[];
}

export function headline(components: readonly ComponentView[]): Headline {
  const bad = components.filter((c) => c.state !== 'operational');
  if (components.length === 0) return { state: 'operational', text: 'No components configured', roots: [] };
  if (bad.length === 0) {
    const impacted = components.filter((c) => c.impacted).length;
    return { state: 'operational', text: impacted ? 'All components report operational' : 'All systems operational', roots: [] };
  }
  const worstState = bad.reduce((w, c) => worst(w, c.state), 'operational' as State);
  // Root causes: unhealthy components that are not themselves impacted by something upstream.
  const roots = bad.filter((c) => isUnhealthy(c.state) && !c.impacted).map((c) => c.name).sort();
  const impacted = components.filter((c) => c.impacted).length;
  const parts = [`${bad.length} of ${components.length} component${components.length === 1 ? '' : 's'} with issues`];
  if (roots.length) parts.push(`root cause: ${roots.join(', ')}`);
  if (impacted) parts.push(`${impacted} impacted downstream`);
  return { state: worstState, text: parts.join(' · '), roots };
}

/** Open incidents first (newest first), then resolved ones (most recently resolved first). */
export function orderIncidents(list: readonly IncidentView[]): IncidentView[] {
  const open = list.filter((i) => i.resolvedAt === null).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const closed = list.filter((i) => i.resolvedAt !== null).sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));
  return [...open, ...closed];
}

export function upsertIncident(list: readonly IncidentView[], inc: IncidentView): IncidentView[] {
  const i = list.findIndex((x) => x.id === inc.id);
  if (i < 0) return [inc, ...list];
  const out = [...list];
  // An event may carry no timeline; keep the one already loaded rather than blanking it.
  out[i] = { ...inc, timeline: inc.timeline ?? list[i]!.timeline };
  return out;
}

/**
 * [day, observed, operational, degraded, partial_outage, major_outage, planned?] from
 * /api/v1/uptime. planned (seconds of outage that were planned work, issue 19) is there only when
 * above 0; it is part of observed and of none of the state columns.
 */
export type DayRow = [string, number, number, number, number, number, number?];

export interface DaySlot {
  readonly day: string;
  /** null: no data that day. The worst unplanned state. */
  readonly worst: State | null;
  /** Up time over observed time minus planned time; null without data or when all of it was planned. */
  readonly availability: number | null;
  /** Seconds of planned outage (maintenance windows), shown apart. */
  readonly planned: number;
}

const DAY_MS = 86_400_000;

const plannedOf = (r: DayRow): number => r[6] ?? 0;

export function daySlots(rows: readonly DayRow[], endMs: number, days: number): DaySlot[] {
  const byDay = new Map(rows.map((r) => [r[0], r]));
  const out: DaySlot[] = [];
  const end = Math.floor(endMs / DAY_MS) * DAY_MS;
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(end - i * DAY_MS).toISOString().slice(0, 10);
    const r = byDay.get(day);
    if (!r || r[1] <= 0) {
      out.push({ day, worst: null, availability: null, planned: 0 });
      continue;
    }
    let worst: State = 'operational';
    for (let k = 0; k < 4; k++) if ((r[2 + k] as number) > 0) worst = STATES[k]!;
    const measured = r[1] - plannedOf(r);
    out.push({ day, worst, availability: measured > 0 ? (r[2] + r[3]) / measured : null, planned: plannedOf(r) });
  }
  return out;
}

/**
 * Adds `seconds` in `state` to the row of the UTC day of `atMs` (live extension of the bars); an
 * outage that is planned work goes to the planned column, as the server counts it.
 */
export function addToDay(rows: DayRow[], atMs: number, state: State, seconds: number, planned = false): DayRow[] {
  if (!(seconds > 0)) return rows;
  const day = new Date(atMs).toISOString().slice(0, 10);
  const out = rows.map((r) => [...r] as DayRow);
  let row = out.find((r) => r[0] === day);
  if (!row) {
    row = [day, 0, 0, 0, 0, 0];
    out.push(row);
  }
  row[1] += seconds;
  if (planned && stateValue(state) >= 2) row[6] = plannedOf(row) + seconds;
  else row[2 + stateValue(state)] = (row[2 + stateValue(state)] as number) + seconds;
  return out;
}

/** Up time over observed time minus planned time (planned work is neither up nor down). */
export function availabilityOf(rows: readonly DayRow[]): number | null {
  let measured = 0;
  let up = 0;
  for (const r of rows) {
    measured += r[1] - plannedOf(r);
    up += r[2] + r[3];
  }
  return measured > 0 ? up / measured : null;
}

/**
 * Share of the error budget left over the objective's window (the last `windowDays` daily rows,
 * today included), from the same seconds as the uptime bars: 1 - (1 - availability) / (1 -
 * objective). Below 0 when overspent; null without data. `objective` is a percentage (99.9).
 */
export function budgetLeft(rows: readonly DayRow[], objective: number, windowDays: number, endMs: number): number | null {
  const first = new Date(Math.floor(endMs / DAY_MS) * DAY_MS - (windowDays - 1) * DAY_MS).toISOString().slice(0, 10);
  const a = availabilityOf(rows.filter((r) => r[0] >= first));
  return a === null ? null : 1 - (1 - a) / (1 - objective / 100);
}

/** [start ms, mean s | null, max s | null, failures] from /api/v1/latency. */
export type Bucket = [number, number | null, number | null, number];

export interface Series {
  widthMs: number;
  buckets: Bucket[];
  /** Sample count per bucket start, to average live samples into a bucket already sent. */
  counts: Map<number, number>;
  lastCheckedAt: number;
}

export const WINDOW_MS = DAY_MS;
const MAX_LIVE_BUCKETS = 400;

export function addSample(series: Series, atMs: number, seconds: number | null): void {
  if (atMs <= series.lastCheckedAt) return;
  series.lastCheckedAt = atMs;
  const start = Math.floor(atMs / series.widthMs) * series.widthMs;
  let last = series.buckets[series.buckets.length - 1];
  if (!last || last[0] < start) {
    last = [start, null, null, 0];
    series.buckets.push(last);
  }
  if (seconds === null) last[3] += 1;
  else {
    const n = series.counts.get(last[0]) ?? (last[1] === null ? 0 : 1);
    last[1] = ((last[1] ?? 0) * n + seconds) / (n + 1);
    last[2] = Math.max(last[2] ?? 0, seconds);
    series.counts.set(last[0], n + 1);
  }
  const cutoff = atMs - WINDOW_MS;
  while (series.buckets.length > MAX_LIVE_BUCKETS || (series.buckets[0] && series.buckets[0][0] + series.widthMs <= cutoff)) {
    const dropped = series.buckets.shift();
    if (dropped) series.counts.delete(dropped[0]);
  }
}

export interface Spark {
  /** SVG path of the mean latency, in a width x height box. */
  readonly path: string;
  /** x positions of buckets that had failures. */
  readonly failures: readonly number[];
  readonly max: number;
  readonly last: number | null;
  /** [x, width] of each time the exporter was not running, inside the sparkline's span. */
  readonly gaps: readonly [number, number][];
}

/** `gaps`: [start ms, end ms] when the exporter was not running; the line does not cross them. */
export function sparkline(buckets: readonly Bucket[], width: number, height: number, gaps: readonly (readonly [number, number])[] = []): Spark {
  if (buckets.length === 0) return { path: '', failures: [], max: 0, last: null, gaps: [] };
  const t0 = buckets[0]![0];
  const t1 = buckets[buckets.length - 1]![0];
  const span = Math.max(1, t1 - t0);
  const values = buckets.map((b) => b[1]).filter((v): v is number => v !== null);
  const max = values.length ? Math.max(...values) : 0;
  const x = (t: number) => (buckets.length === 1 ? width : ((t - t0) / span) * width);
  const y = (v: number) => (max > 0 ? height - 1 - (v / max) * (height - 2) : height - 1);
  let path = '';
  let pen = false;
  let prev = -Infinity;
  for (const b of buckets) {
    if (b[1] === null || gaps.some((g) => g[1] > prev && g[0] < b[0])) pen = false;
    prev = b[0];
    if (b[1] === null) continue;
    path += `${pen ? 'L' : 'M'}${x(b[0]).toFixed(1)} ${y(b[1]).toFixed(1)}`;
    pen = true;
  }
  const lastVal = [...buckets].reverse().find((b) => b[1] !== null);
  const gapRects = gaps
    .map((g): [number, number] => [x(Math.max(g[0], t0)), x(Math.min(g[1], t1)) - x(Math.max(g[0], t0))])
    .filter((g) => g[1] > 0)
    .map((g): [number, number] => [Number(g[0].toFixed(1)), Number(g[1].toFixed(1))]);
  return { path, failures: buckets.filter((b) => b[3] > 0).map((b) => Number(x(b[0]).toFixed(1))), max, last: lastVal ? lastVal[1] : null, gaps: gapRects };
}

/** Seconds as the page shows a duration: "45s", "3m 12s", "5h 3m", "2d 4h". */
export function formatDuration(seconds: number): string {
  return formatDurationIn(seconds * 1000, DURATION_STYLES.page);
}

export function formatPercent(v: number | null): string {
  if (v === null) return 'no data';
  if (v >= 0.99995) return '100%';
  return `${(Math.floor(v * 10000) / 100).toFixed(2)}%`;
}
