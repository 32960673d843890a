/**
 * JSON shapes of GET /api/v1/uptime and GET /api/v1/latency (documented in the README). Compact
 * rows instead of objects: 90 days of a large graph must stay small over the wire. Pure.
 */
import type { ProbeLatency } from '../history/latency.js';
import type { UptimeReport } from '../history/index.js';
import type { Span } from '../history/uptime.js';

const round3 = (v: number) => Math.round(v * 1000) / 1000;
/** Latency in seconds with microsecond resolution; enough for a sparkline, smaller than float noise. */
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function uptimeView(r: UptimeReport) {
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    days: r.days,
    /**
     * Order of the seconds in each day row, after the date and the observed seconds. planned
     * (outage seconds that were planned work, part of observed, in no state column) ends a row
     * only when above 0, so rows of days without maintenance stay as small as before.
     */
    columns: ['day', 'observed', 'operational', 'degraded', 'partial_outage', 'major_outage', 'planned'],
    components: r.components.map((c) => ({
      name: c.name,
      availability: c.availability === null ? null : Math.round(c.availability * 1e6) / 1e6,
      days: c.days.map((d) => [d.day, round3(d.observed), ...d.seconds.map(round3), ...(d.planned > 0 ? [round3(d.planned)] : [])]),
    })),
  };
}

export function latencyView(series: readonly ProbeLatency[], now: number, gaps: readonly Span[] = []) {
  return {
    at: new Date(now).toISOString(),
    /** [start ms, end ms] of each time the exporter was not running within the window: no data, not "no failures". */
    gaps: gaps.map((g) => [g.start, g.end]),
    /** Each bucket: [start epoch ms, mean seconds or null, max seconds or null, failures]. */
    columns: ['start', 'mean', 'max', 'failures'],
    probes: series.map((p) => ({
      component: p.component,
      probe: p.probe,
      widthMs: p.widthMs,
      buckets: p.buckets.map((b) => [b.start, b.count ? round6(b.sum / b.count) : null, b.count ? round6(b.max) : null, b.failures]),
    })),
  };
}
