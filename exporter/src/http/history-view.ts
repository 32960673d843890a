/**
 * JSON shapes of GET /api/v1/components/{name}/history and .../days/{day} (documented in the
 * README). Compact rows with a `columns` header, as /api/v1/latency. Pure.
 */
import type { DayReport } from '../history/index.js';
import { encodeCursor, type HistoryPage } from '../history/probe-history.js';
import type { Step } from '../history/range.js';
import { incidentJson } from '../incidents/serialize.js';
import type { Incident } from '../incidents/types.js';

/** Seconds with microsecond resolution. */
const seconds = (us: number | null) => (us === null ? null : Math.round(us) / 1e6);
const iso = (ms: number) => new Date(ms).toISOString();

export const RAW_COLUMNS = ['probe', 'at', 'ok', 'latency', 'reason'] as const;
export const BUCKET_COLUMNS = ['probe', 'start', 'stepSeconds', 'count', 'failures', 'min', 'avg', 'max', 'p95', 'firstReason', 'lastReason'] as const;

export function historyView(component: string, range: { from: number; to: number; step: Step }, page: HistoryPage, reasons: ReadonlyMap<number, string>) {
  const reason = (id: number | null) => (id === null ? null : reasons.get(id) ?? null);
  const rows = range.step === 'raw'
    ? page.raw.map((r) => [page.probes[r.index], r.at, r.reason === null, seconds(r.latencyUs), reason(r.reason)])
    : page.buckets.map((b) => {
      const ok = b.count - b.failures;
      return [page.probes[b.index], b.start, b.stepMs / 1000, b.count, b.failures, seconds(b.minUs), ok ? seconds(b.sumUs / ok) : null,
        seconds(b.maxUs), seconds(b.p95Us), reason(b.firstReason), reason(b.lastReason)];
    });
  return {
    component,
    from: iso(range.from),
    to: iso(range.to),
    step: range.step,
    /** Where each tier starts: raw rows exist from `raw` on, 5-minute buckets from `fiveMinute`, hourly ones before. */
    tiers: { raw: iso(page.rawFrom), fiveMinute: iso(page.fiveFrom) },
    probes: page.probes,
    columns: range.step === 'raw' ? RAW_COLUMNS : BUCKET_COLUMNS,
    rows,
    next: page.next ? encodeCursor(page.next) : null,
  };
}

export function dayView(component: string, day: string, r: DayReport, incidents: readonly Incident[]) {
  const reason = (id: number | null) => (id === null ? null : r.reasons.get(id) ?? null);
  return {
    component,
    day,
    from: iso(r.from),
    to: iso(r.to),
    /** Outages and degradations, observed time only. */
    periods: r.periods.map((p) => ({
      state: p.state, from: iso(p.from), to: iso(p.to), durationSeconds: (p.to - p.from) / 1000, ongoing: p.ongoing,
      reason: p.reason ?? null, rootCauses: p.rootCauses, planned: p.planned === true,
    })),
    /** When the exporter was not running: nothing is known about those times. */
    gaps: r.gaps.map((g) => ({ from: iso(g.start), to: iso(g.end), durationSeconds: (g.end - g.start) / 1000 })),
    probes: r.probes.map(({ probe, bucket: b }) => {
      const ok = b.count - b.failures;
      return {
        probe, count: b.count, failures: b.failures, avg: ok ? seconds(b.sumUs / ok) : null, max: seconds(b.maxUs),
        firstReason: reason(b.firstReason), lastReason: reason(b.lastReason),
      };
    }),
    incidents: incidents.map((i) => {
      const json = incidentJson(i);
      return { ...json, timelineUrl: `api/v1/incidents/${encodeURIComponent(json.id)}` };
    }),
  };
}
