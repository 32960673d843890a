import type { ProbeOutcome, ProbeRunner } from '../probes/types.js';
import { networkReason } from '../probes/errors.js';

/**
 * Runs a probe with a hard deadline. The signal asks the probe to stop; the race makes sure a
 * probe that ignores it still cannot hold up its component, its cycle or a concurrency slot.
 */
export async function runWithDeadline(runner: ProbeRunner, timeoutMs: number): Promise<ProbeOutcome> {
  const ac = new AbortController();
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => {
      ac.abort();
      resolve({ success: false, durationSeconds: (performance.now() - start) / 1_000, reason: 'timeout' });
    }, timeoutMs);
  });
  const ran = runner.run(ac.signal).catch((err: unknown): ProbeOutcome => ({
    success: false,
    durationSeconds: (performance.now() - start) / 1_000,
    reason: networkReason(err, ac.signal),
  }));
  try {
    return await Promise.race([ran, expired]);
  } finally {
    clearTimeout(timer);
  }
}
