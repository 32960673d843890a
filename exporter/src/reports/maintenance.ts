/*
 * The day's maintenance windows for the daily report (issue 19), from Prometheus alone so that
 * `statusgraph report daily --prometheus URL` lists them too: each window's components and the
 * span during which statusgraph_component_under_maintenance was 1. Pure apart from the query.
 */
import { METRICS } from '@statusgraph/core';
import type { RangeSeries } from './promql.js';

export const MAINTENANCE_QUERY = `max by (window, component) (${METRICS.componentUnderMaintenance})`;

export interface DayWindow {
  readonly window: string;
  readonly components: readonly string[];
  /** First and last step at which it was seen; `endMs` is one step after the last. */
  readonly startMs: number;
  readonly endMs: number;
  /** Still in force at the end of the report's window. */
  readonly ongoing: boolean;
}

/** One row per window id, its components sorted, oldest first. */
export function dayWindows(series: readonly RangeSeries[], windowEndMs: number, stepMs: number): DayWindow[] {
  const by = new Map<string, { components: Set<string>; first: number; last: number }>();
  for (const s of series) {
    const id = s.labels.window;
    const seen = s.points.filter(([, v]) => v === 1).map(([t]) => t);
    if (id === undefined || seen.length === 0) continue;
    const w = by.get(id) ?? { components: new Set<string>(), first: Infinity, last: -Infinity };
    if (s.labels.component !== undefined) w.components.add(s.labels.component);
    w.first = Math.min(w.first, ...seen);
    w.last = Math.max(w.last, ...seen);
    by.set(id, w);
  }
  return [...by].map(([window, w]) => ({
    window, components: [...w.components].sort(), startMs: w.first, endMs: Math.min(w.last + stepMs, windowEndMs), ongoing: w.last + stepMs > windowEndMs,
  })).sort((a, b) => a.startMs - b.startMs || (a.window < b.window ? -1 : 1));
}
