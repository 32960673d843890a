import type { ProbeOutcome, ProbeRunner } from '../probes/types.js';
import { networkReason } from '../probes/errors.js';
import { SYSTEM_CLOCK, type Clock, type TimerHandle } from './clock.js';

/**
 * After the deadline aborts a probe, how long its own answer may still win: a probe that reacts
 * to the abort with a better-informed outcome (a vendor page that timed out is "unavailable",
 * not "down") settles within microtasks, while one that ignores the signal is cut off.
 */
export const ABORT_GRACE_MS = 50;

/**
 * Runs a probe with a hard deadline. The signal asks the probe to stop; the race makes sure a
 * probe that ignores it still cannot hold up its component, its cycle or a concurrency slot.
 */
export async function runWithDeadline(runner: ProbeRunner, timeoutMs: number, clock: Clock = SYSTEM_CLOCK): Promise<ProbeOutcome> {
  const ac = new AbortController();
  const start = clock.now();
  const elapsed = () => (clock.now() - start) / 1_000;
  const timers: TimerHandle[] = [];
  const ran = runner.run(ac.signal).catch((err: unknown): ProbeOutcome => ({
    success: false,
    durationSeconds: elapsed(),
    reason: networkReason(err, ac.signal),
  }));
  const expired = new Promise<ProbeOutcome>((resolve) => {
    timers.push(clock.setTimeout(() => {
      ac.abort();
      timers.push(clock.setTimeout(() => resolve({ success: false, durationSeconds: elapsed(), reason: 'timeout' }), ABORT_GRACE_MS));
    }, timeoutMs));
  });
  try {
    return await Promise.race([ran, expired]);
  } finally {
    for (const t of timers) clock.clearTimeout(t);
  }
}
