/**
 * What happened to one component during one day, from its state changes: the periods spent in
 * anything but operational, and the times the exporter was not running. Pure.
 */
import { stateValue, type State } from '@statusgraph/core';
import { normaliseSpans, type Span, type StateRecord } from './uptime.js';

export interface Period {
  readonly state: Exclude<State, 'operational'>;
  readonly from: number;
  readonly to: number;
  /** True while the period is still going on (it reaches `now`). */
  readonly ongoing: boolean;
  readonly reason?: string;
  readonly rootCauses: readonly string[];
  /** An outage that was planned work (a maintenance window, issue 19): counted apart on the bars. */
  readonly planned?: true;
}

/** The parts of [from, to) outside every span: when nothing was observed. */
export function gapsIn(spans: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  let t = from;
  for (const s of normaliseSpans(spans, from, to)) {
    if (s.start > t) out.push({ start: t, end: s.start });
    t = Math.max(t, s.end);
  }
  if (t < to) out.push({ start: t, end: to });
  return out;
}

/**
 * Non-operational periods over [from, to), observed time only: a period the exporter was down in
 * the middle of is reported as two. `records` sorted by time, the first one in force at `from`.
 */
export function problemPeriods(records: readonly StateRecord[], spans: readonly Span[], from: number, to: number, now: number): Period[] {
  const covered = normaliseSpans(spans, from, to);
  const out: Period[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.state === 'operational') continue;
    const start = Math.max(r.at, from);
    const end = Math.min(records[i + 1]?.at ?? to, to);
    for (const s of covered) {
      const a = Math.max(s.start, start);
      const b = Math.min(s.end, end);
      if (b <= a) continue;
      out.push({
        state: r.state, from: a, to: b, ongoing: i === records.length - 1 && b >= now,
        ...(r.reason ? { reason: r.reason } : {}), rootCauses: r.rootCauses ?? [],
        ...(r.planned && stateValue(r.state) >= 2 ? { planned: true as const } : {}),
      });
    }
  }
  return out;
}
