/**
 * One component's stored results over a range, at a step, one page at a time. Rows are ordered
 * by (time, probe) and a page ends with a cursor naming the last row, so a page never repeats or
 * skips a row, whatever the roll-up did in between (except rows it deleted by age).
 */
import { BadRequestError } from '../errors.js';
import { bucketsInRange, type Step, type SteppedBucket, type TierSource } from './range.js';
import type { RawResult } from './rollup.js';
import type { ProbeRef } from './results-store.js';

export interface HistoryRequest {
  readonly from: number;
  readonly to: number;
  readonly step: Step;
  readonly limit: number;
  /** Exclusive: rows after (at, probe index). */
  readonly after?: { readonly at: number; readonly probe: number };
}

export interface HistoryPage {
  readonly probes: readonly string[];
  readonly raw: readonly (RawResult & { readonly index: number })[];
  readonly buckets: readonly (SteppedBucket & { readonly index: number })[];
  /** Start of the raw tier: `raw` rows only exist from here on. */
  readonly rawFrom: number;
  /** Start of the 5-minute tier: older buckets are hourly. */
  readonly fiveFrom: number;
  readonly next?: { readonly at: number; readonly probe: number };
}

export function encodeCursor(c: { at: number; probe: number }): string {
  return `${c.at}.${c.probe}`;
}

export function decodeCursor(text: string): { at: number; probe: number } {
  const m = /^(\d{1,16})\.(\d{1,6})$/.exec(text);
  if (!m) throw new BadRequestError('cursor: not a cursor from a previous page');
  return { at: Number(m[1]), probe: Number(m[2]) };
}

const after = (at: number, index: number, c: HistoryRequest['after']) => !c || at > c.at || (at === c.at && index > c.probe);

export function historyPage(src: TierSource, probes: readonly ProbeRef[], req: HistoryRequest): HistoryPage {
  const { rawFrom, fiveFrom } = src.marks();
  const names = probes.map((p) => p.probe);
  const from = Math.max(req.from, req.after?.at ?? -Infinity);
  if (req.step === 'raw') {
    // Each probe contributes at most limit + 1 rows from the cursor on: enough to fill the page and know whether more follow.
    const rows = probes.flatMap((p, index) => src.raw(p.id, Math.max(from, rawFrom), req.to, req.limit + 1 + (req.after ? 1 : 0))
      .filter((r) => after(r.at, index, req.after)).map((r) => ({ ...r, index })));
    rows.sort((a, b) => a.at - b.at || a.index - b.index);
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    return { probes: names, raw: page, buckets: [], rawFrom, fiveFrom, ...(rows.length > req.limit && last ? { next: { at: last.at, probe: last.index } } : {}) };
  }
  const step = req.step;
  const rows = probes.flatMap((p, index) => bucketsInRange(src, p.id, from, req.to, step)
    .filter((b) => after(b.start, index, req.after)).map((b) => ({ ...b, index })));
  rows.sort((a, b) => a.start - b.start || a.index - b.index);
  const page = rows.slice(0, req.limit);
  const last = page[page.length - 1];
  return { probes: names, raw: [], buckets: page, rawFrom, fiveFrom, ...(rows.length > req.limit && last ? { next: { at: last.start, probe: last.index } } : {}) };
}
