/**
 * Daily uptime from a component's state-change history. Pure: the store supplies the records and
 * the spans during which the exporter was running; time outside those spans is "no data", not
 * operational, so an exporter that was down never claims a perfect day.
 */
import { STATES, stateValue, type State } from '@statusgraph/core';

export interface StateRecord {
  /** Epoch ms at which the component entered `state`. */
  readonly at: number;
  readonly state: State;
  /** Why (the first failing probe's reason, or the degradation); kept since issue 17. */
  readonly reason?: string;
  /** The unhealthy components furthest upstream that impacted it then. */
  readonly rootCauses?: readonly string[];
  /** The outage was planned work (a maintenance window, issue 19): counted apart, not as downtime. */
  readonly planned?: boolean;
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Seconds spent per state during one UTC day, in the order of STATES. */
export interface DayUptime {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly observed: number;
  /** Seconds per state, planned outages left out (they are in `planned`). */
  readonly seconds: readonly [number, number, number, number];
  /** Seconds in partial or major outage that were planned work (maintenance windows). */
  readonly planned: number;
  /** The worst unplanned state. */
  readonly worst: State;
}

export const DAY_MS = 86_400_000;

export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Available means operational or degraded: the component answered, if slowly. Planned time is
 * left out of the measure (neither up nor down), as the SLO rules leave planned rounds out.
 */
export function availability(days: readonly DayUptime[]): number | null {
  let measured = 0;
  let up = 0;
  for (const d of days) {
    measured += d.observed - d.planned;
    up += d.seconds[0] + d.seconds[1];
  }
  return measured > 0 ? up / measured : null;
}

/** Merges overlapping or touching spans and clips them to [from, to). */
export function normaliseSpans(spans: readonly Span[], from: number, to: number): Span[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, to) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/**
 * Per-day seconds in each state over [from, to), counting only time inside `spans`.
 * `records` must be sorted by time; the last record at or before `from` gives the starting state.
 * Days with no observed time are left out.
 */
export function dailyUptime(records: readonly StateRecord[], spans: readonly Span[], from: number, to: number): DayUptime[] {
  if (!(to > from) || records.length === 0) return [];
  const covered = normaliseSpans(spans, from, to);
  // Per day: seconds per state (0..3), then planned outage seconds (4).
  const perDay = new Map<number, number[]>();
  const add = (start: number, end: number, state: State, planned: boolean) => {
    for (let t = start; t < end;) {
      const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
      const stop = Math.min(end, dayStart + DAY_MS);
      let acc = perDay.get(dayStart);
      if (!acc) perDay.set(dayStart, (acc = [0, 0, 0, 0, 0]));
      acc[planned && stateValue(state) >= 2 ? 4 : stateValue(state)]! += (stop - t) / 1000;
      t = stop;
    }
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const segStart = Math.max(r.at, from);
    const segEnd = Math.min(records[i + 1]?.at ?? to, to);
    if (segEnd <= segStart) continue;
    for (const s of covered) {
      if (s.end <= segStart) continue;
      if (s.start >= segEnd) break;
      add(Math.max(s.start, segStart), Math.min(s.end, segEnd), r.state, r.planned === true);
    }
  }
  return [...perDay.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([dayStart, acc]) => {
      const rounded = acc.map((v) => Math.round(v * 1000) / 1000);
      const seconds = rounded.slice(0, 4) as [number, number, number, number];
      let worst: State = 'operational';
      seconds.forEach((v, i) => { if (v > 0) worst = STATES[i]!; });
      return { day: utcDay(dayStart), observed: rounded.reduce((a, b) => a + b, 0), seconds, planned: rounded[4]!, worst };
    })
    .filter((d) => d.observed > 0);
}
