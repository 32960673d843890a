import { describe, expect, it } from 'vitest';
import { DeadlineError, raceAbort } from '../../src/probes/abort.js';

describe('raceAbort', () => {
  it('settles with the work when it finishes first, and leaves no listener behind', async () => {
    const ac = new AbortController();
    let torn = 0;
    await expect(raceAbort(Promise.resolve(42), ac.signal, () => { torn++; })).resolves.toBe(42);
    ac.abort();
    expect(torn).toBe(0);
  });

  it('passes the work\'s own failure through', async () => {
    const ac = new AbortController();
    await expect(raceAbort(Promise.reject(new Error('refused')), ac.signal, () => undefined)).rejects.toThrow('refused');
  });

  it('rejects with a DeadlineError and tears down once the signal aborts', async () => {
    const ac = new AbortController();
    let torn = 0;
    const never = new Promise<number>(() => undefined);
    const raced = raceAbort(never, ac.signal, () => { torn++; });
    ac.abort();
    await expect(raced).rejects.toBeInstanceOf(DeadlineError);
    expect(torn).toBe(1);
  });

  it('an already aborted signal tears down at once', async () => {
    let torn = 0;
    await expect(raceAbort(new Promise(() => undefined), AbortSignal.abort(), () => { torn++; })).rejects.toBeInstanceOf(DeadlineError);
    expect(torn).toBe(1);
  });
});
