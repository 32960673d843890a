/**
 * Pure arithmetic of the reports: episodes, incidents, mean time to recovery, overall uptime and
 * the slowest component, from sample arrays as Prometheus range queries return them. No I/O here,
 * so every number of a report can be checked without a server.
 */

/** One point of a range query: epoch ms and value. */
export type Point = readonly [number, number];

export interface Window {
  readonly startMs: number;
  readonly endMs: number;
  /** The range query's step: points are startMs + k * stepMs. */
  readonly stepMs: number;
}

export interface Episode {
  /** First point seen at or over the threshold (or the window start when it began before). */
  readonly startMs: number;
  /** First point seen under the threshold again, the first missing point, or the window end if still ongoing. */
  readonly endMs: number;
  readonly durationMs: number;
  /** Worst value seen during the episode (the state, 1-3). */
  readonly worst: number;
  /** Still at or over the threshold at the last point of the window. */
  readonly ongoing: boolean;
  /** Already at or over the threshold at the first point of the window. */
  readonly startedBefore: boolean;
}

/**
 * Maximal runs of points at or over `threshold`. A gap in the points longer than one step (the
 * exporter was not scraped for more than Prometheus's lookback) ends an episode: what happened
 * after it is unknown, so it is not counted as down time.
 */
export function episodes(points: readonly Point[], window: Window, threshold: number): Episode[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const out: Episode[] = [];
  const gap = window.stepMs * 1.5;
  let open: { startMs: number; worst: number; startedBefore: boolean; lastMs: number } | undefined;
  let prevMs: number | undefined;

  const close = (endMs: number, ongoing: boolean): void => {
    if (!open) return;
    out.push({ startMs: open.startMs, endMs, durationMs: endMs - open.startMs, worst: open.worst, ongoing, startedBefore: open.startedBefore });
    open = undefined;
  };

  for (const [t, v] of sorted) {
    if (open && prevMs !== undefined && t - prevMs > gap) close(prevMs + window.stepMs, false);
    if (v >= threshold) {
      if (open) {
        open.worst = Math.max(open.worst, v);
        open.lastMs = t;
      } else {
        const startedBefore = t - window.startMs < window.stepMs / 2;
        open = { startMs: startedBefore ? window.startMs : t, worst: v, startedBefore, lastMs: t };
      }
    } else {
      close(t, false);
    }
    prevMs = t;
  }
  if (open) {
    const last = open.lastMs;
    if (window.endMs - last < window.stepMs / 2) close(window.endMs, true);
    else close(last + window.stepMs, false);
  }
  return out;
}

export interface ComponentEpisode extends Episode {
  readonly component: string;
  /** Root causes impacting the component when the episode started; empty when it was its own. */
  readonly causes: readonly string[];
}

/**
 * Root causes of `component` at time t, from the range of
 * `max by (component, root_cause) (statusgraph_component_impacted)`, keyed by component.
 */
export type CauseIndex = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<number>>>;

export function causesAt(index: CauseIndex, component: string, t: number): string[] {
  const byCause = index.get(component);
  if (!byCause) return [];
  return [...byCause.entries()].filter(([, times]) => times.has(t)).map(([cause]) => cause).sort();
}

/**
 * Incidents are outages (partial or major) of a component that nothing upstream explains: an
 * outage of a dependent while its root cause is down is part of the root cause's incident, as
 * in the incident engine (one incident per root cause). Only those that started in the window.
 */
export function incidents(outages: readonly ComponentEpisode[]): ComponentEpisode[] {
  return outages.filter((e) => e.causes.length === 0 && !e.startedBefore);
}

/** Mean time to recovery in ms over the recovered incidents; undefined when none recovered. */
export function meanTimeToRecovery(list: readonly Episode[]): number | undefined {
  const recovered = list.filter((e) => !e.ongoing);
  if (recovered.length === 0) return undefined;
  return recovered.reduce((s, e) => s + e.durationMs, 0) / recovered.length;
}

/** Mean of the components' uptime ratios (each component counts once); undefined without data. */
export function overallUptime(ratios: readonly number[]): number | undefined {
  if (ratios.length === 0) return undefined;
  return ratios.reduce((s, r) => s + r, 0) / ratios.length;
}

export function change(current: number | undefined, previous: number | undefined): number | undefined {
  return current === undefined || previous === undefined ? undefined : current - previous;
}

export interface LatencyComparison {
  readonly component: string;
  readonly daySeconds: number;
  readonly baselineSeconds: number;
  /** daySeconds / baselineSeconds. */
  readonly ratio: number;
}

/** The component whose last 24 h mean latency is furthest above its 7-day mean. */
export function slowestAgainstBaseline(day: ReadonlyMap<string, number>, week: ReadonlyMap<string, number>): LatencyComparison | undefined {
  let best: LatencyComparison | undefined;
  for (const [component, daySeconds] of day) {
    const baselineSeconds = week.get(component);
    if (baselineSeconds === undefined || !(baselineSeconds > 0) || !Number.isFinite(daySeconds)) continue;
    const ratio = daySeconds / baselineSeconds;
    if (!best || ratio > best.ratio || (ratio === best.ratio && component < best.component)) {
      best = { component, daySeconds, baselineSeconds, ratio };
    }
  }
  return best;
}
