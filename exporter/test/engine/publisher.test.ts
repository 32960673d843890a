import { describe, expect, it } from 'vitest';
import { Publisher, publishDelayMs, refreshDelayMs } from '../../src/engine/publisher.js';
import type { Snapshot, StateChange } from '../../src/engine/snapshot.js';
import { FakeClock, recordingLogger } from './fakes.js';

function setup(intervalMs = 10_000) {
  const clock = new FakeClock();
  const { logger, lines } = recordingLogger();
  let seq = 0;
  const build = (): Snapshot => ({
    seq: ++seq, at: clock.now(), components: [], cycleDurationSeconds: 0, cyclesCompleted: 0,
    byName: new Map([['api', { rootCauses: ['db'] }], ['db', { rootCauses: [] }]]) as unknown as Snapshot['byName'],
  });
  const publisher = new Publisher({ intervalMs, clock, logger, build });
  const seen: { at: number; seq: number; changes: readonly StateChange[] }[] = [];
  publisher.onSnapshot((s, changes) => seen.push({ at: clock.now(), seq: s.seq, changes }));
  return { clock, publisher, seen, lines };
}

describe('publisher on a fake clock', () => {
  it('waits interval/100 (25-500 ms) for urgent results and interval/10 (up to 5 s) for the rest', () => {
    expect([1_000, 10_000, 30_000, 120_000].map(publishDelayMs)).toEqual([25, 100, 300, 500]);
    expect([1_000, 10_000, 30_000, 120_000].map(refreshDelayMs)).toEqual([100, 1_000, 3_000, 5_000]);
  });

  it('coalesces results into one snapshot, and an urgent one brings a pending refresh forward', async () => {
    const { clock, publisher, seen } = setup();
    publisher.schedule(false);
    await clock.advance(200);
    publisher.schedule(true);
    publisher.schedule(false);
    await clock.advance(50);
    publisher.schedule(true);
    await clock.advance(2_000);
    expect(seen.map((s) => s.at)).toEqual([300]);
    publisher.schedule(false);
    await clock.advance(999);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect(seen.map((s) => [s.at, s.seq])).toEqual([[300, 2], [3_250, 3]]);
    expect(publisher.snapshot().seq).toBe(3);
  });

  it('delivers each state change once, with the root causes of the snapshot that shows it, and logs it', async () => {
    const { clock, publisher, seen, lines } = setup();
    publisher.change({ component: 'api', from: 'operational', to: 'major_outage', reason: 'status 503', at: 1 });
    publisher.schedule(true);
    await clock.advance(5_000);
    publisher.schedule(true);
    await clock.advance(5_000);
    expect(seen.map((s) => s.changes)).toEqual([
      [{ component: 'api', from: 'operational', to: 'major_outage', reason: 'status 503', at: 1, rootCauses: ['db'] }],
      [],
    ]);
    expect(lines.filter((l) => l.event === 'state_change')).toEqual([
      expect.objectContaining({ component: 'api', from: 'operational', to: 'major_outage', reason: 'status 503', root_cause: 'db' }),
    ]);
  });

  it('keeps calling the other listeners when one throws, and publishes nothing after stop', async () => {
    const { clock, publisher, seen, lines } = setup();
    publisher.onSnapshot(() => { throw new Error('boom'); });
    publisher.schedule(true);
    await clock.advance(1_000);
    expect(seen).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'snapshot listener failed')).toBe(true);
    publisher.schedule(true);
    publisher.stop();
    publisher.schedule(true);
    await clock.advance(10_000);
    expect(seen).toHaveLength(1);
  });
});
