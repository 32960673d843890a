/**
 * Reads one probe's results over a time range at a chosen step, whichever tiers hold them: the
 * raw tier is aggregated on the fly with the same functions the roll-up uses, so an answer for a
 * range does not change when the roll-up moves it from one tier to the next (5-minute figures
 * stay exact; hourly p95 is the bound described in rollup.ts).
 */
import { FIVE_MIN_MS, HOUR_MS, aggregateResults, mergeBuckets, type RawResult, type ResultBucket, type Watermarks } from './rollup.js';

export type Step = 'raw' | '5m' | '1h';
export const STEP_MS: Readonly<Record<Exclude<Step, 'raw'>, number>> = { '5m': FIVE_MIN_MS, '1h': HOUR_MS };

/** What the range reader needs of the store. */
export interface TierSource {
  marks(): Watermarks;
  raw(probe: number, from: number, to: number, limit?: number): RawResult[];
  buckets(step: number, probe: number, from: number, to: number): ResultBucket[];
}

/** A bucket with its own width: older parts of a range may only exist at a coarser step. */
export interface SteppedBucket extends ResultBucket {
  readonly stepMs: number;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

/** Buckets of `probe` starting in [from, to) at `step` (from is rounded down to the step), oldest first. */
export function bucketsInRange(src: TierSource, probe: number, from: number, to: number, step: Exclude<Step, 'raw'>): SteppedBucket[] {
  const stepMs = STEP_MS[step];
  const start = floorTo(from, stepMs);
  const { rawFrom, fiveFrom } = src.marks();
  const hourly = src.buckets(HOUR_MS, probe, start, Math.min(to, fiveFrom)).map((b) => ({ ...b, stepMs: HOUR_MS }));
  const five = [
    ...src.buckets(FIVE_MIN_MS, probe, Math.max(start, fiveFrom), Math.min(to, rawFrom)),
    ...aggregateResults(src.raw(probe, Math.max(start, rawFrom), to), FIVE_MIN_MS),
  ];
  const recent = step === '5m' ? five : mergeBuckets(five, HOUR_MS);
  return [...hourly, ...recent.map((b) => ({ ...b, stepMs }))];
}
