import { describe, expect, it } from 'vitest';
import { agree, agreeProbe } from '../../src/cluster/agree.js';
import type { ProbeResult } from '../../src/engine/round.js';

const ok = (s: number, at = 1_000): ProbeResult => ({ outcome: { success: true, durationSeconds: s }, at });
const fail = (reason: string, at = 1_000): ProbeResult => ({ outcome: { success: false, durationSeconds: 1, reason }, at });
const v = (replica: string, result: ProbeResult) => ({ replica, result });

describe('the agreement rule', () => {
  it('fails a probe only on a strict majority of failing voters', () => {
    expect(agreeProbe([v('a', fail('timeout')), v('b', ok(0.1))])!.outcome.success).toBe(true);
    expect(agreeProbe([v('a', fail('timeout')), v('b', fail('refused'))])!.outcome.success).toBe(false);
    expect(agreeProbe([v('a', fail('x')), v('b', fail('x')), v('c', ok(0.1))])!.outcome.success).toBe(false);
    expect(agreeProbe([v('a', fail('x')), v('b', ok(0.1)), v('c', ok(0.1))])!.outcome.success).toBe(true);
    expect(agreeProbe([v('a', fail('x'))])!.outcome.success).toBe(false);
  });

  it('needs a majority of the expected probers to fail, and leaves a lone failure undecided', () => {
    // The other prober of two has not answered yet: no outage from one route, and no success either.
    expect(agreeProbe([v('a', fail('timeout'))], 2)).toBeUndefined();
    expect(agreeProbe([v('a', fail('x')), v('b', fail('x'))], 3)!.outcome.success).toBe(false);
    expect(agreeProbe([v('a', fail('x')), v('b', ok(0.2))], 3)!.outcome.success).toBe(true);
    expect(agreeProbe([v('a', fail('x'))], 1)!.outcome.success).toBe(false);
  });

  it('keeps the first failing voter\'s reason by replica name, whatever the order', () => {
    const r = agreeProbe([v('b', fail('refused')), v('a', fail('timeout'))]);
    expect(r!.outcome.reason).toBe('timeout');
  });

  it('takes the median latency of the successes, so one slow route does not degrade', () => {
    expect(agreeProbe([v('a', ok(5)), v('b', ok(0.1)), v('c', ok(0.2))])!.outcome.durationSeconds).toBe(0.2);
    // Two voters: the lower of the two middle ones.
    expect(agreeProbe([v('a', ok(5)), v('b', ok(0.1))])!.outcome.durationSeconds).toBe(0.1);
    // A majority of slow routes is slow.
    expect(agreeProbe([v('a', ok(5)), v('b', ok(4)), v('c', ok(0.1))])!.outcome.durationSeconds).toBe(4);
  });

  it('lets inconclusive results vote only when nothing is conclusive', () => {
    const inc: ProbeResult = { outcome: { success: false, durationSeconds: 1, inconclusive: true }, at: 1 };
    expect(agreeProbe([v('a', inc), v('b', fail('x')), v('c', ok(1))])!.outcome.success).toBe(true);
    expect(agreeProbe([v('a', inc), v('b', fail('x'))])!.outcome.success).toBe(false);
    expect(agreeProbe([v('a', inc)])!.outcome.inconclusive).toBe(true);
  });

  it('dates the agreed result at the newest vote', () => {
    expect(agreeProbe([v('a', ok(1, 10)), v('b', ok(2, 30))])!.at).toBe(30);
  });

  it('decides each probe of a component apart, and nothing when a probe has no voter', () => {
    const r = agree([
      { replica: 'a', results: [fail('x'), ok(0.1)] },
      { replica: 'b', results: [fail('y'), fail('z')] },
    ], 2);
    expect(r!.map((x) => x.outcome.success)).toEqual([false, true]);
    expect(agree([{ replica: 'a', results: [ok(1)] }], 2)).toBeUndefined();
    expect(agree([], 1)).toBeUndefined();
  });
});
