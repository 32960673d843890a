import { describe, expect, it } from 'vitest';
import { ABORT_GRACE_MS, runWithDeadline } from '../../src/engine/deadline.js';
import type { ProbeOutcome, ProbeRunner } from '../../src/probes/types.js';

const runner = (run: (signal: AbortSignal) => Promise<ProbeOutcome>): ProbeRunner => ({ run, close: async () => undefined });

describe('runWithDeadline', () => {
  it('cuts off a probe that ignores its signal, with reason timeout', async () => {
    let aborted = false;
    const o = await runWithDeadline(runner((signal) => {
      signal.addEventListener('abort', () => { aborted = true; });
      return new Promise(() => undefined);
    }), 100);
    expect(o).toMatchObject({ success: false, reason: 'timeout' });
    expect(aborted).toBe(true);
    expect(o.durationSeconds).toBeGreaterThanOrEqual(0.1);
    expect(o.durationSeconds).toBeLessThan(0.1 + (ABORT_GRACE_MS + 200) / 1000);
  });

  it("lets the probe's own answer to the abort win", async () => {
    const o = await runWithDeadline(runner((signal) => new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve({ success: true, inconclusive: true, durationSeconds: 0.1, reason: 'vendor status unavailable: timeout' }));
    })), 100);
    expect(o).toMatchObject({ success: true, inconclusive: true, reason: 'vendor status unavailable: timeout' });
  });

  it('turns a thrown error into a failure, never a crash', async () => {
    const o = await runWithDeadline(runner(async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); }), 1_000);
    expect(o).toMatchObject({ success: false, reason: 'refused' });
  });
});
