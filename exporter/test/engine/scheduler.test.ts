import { describe, expect, it } from 'vitest';
import { ABORT_GRACE_MS } from '../../src/engine/deadline.js';
import type { ProbeResult } from '../../src/engine/round.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { FakeClock, FakeWorld, recordingLogger } from './fakes.js';

const EPOCH = Date.UTC(2026, 0, 1);

function setup(n: number, opts: { intervalMs?: number; maxConcurrency?: number; timeoutMs?: number } = {}) {
  const intervalMs = opts.intervalMs ?? 10_000;
  const clock = new FakeClock();
  const world = new FakeWorld(clock);
  const { logger, lines } = recordingLogger();
  const names = Array.from({ length: n }, (_, i) => `c${i}`);
  /** Clock time at which each round's result reached the engine, with the result. */
  const results = new Map<string, { at: number; result: ProbeResult; startedAt: number }[]>(names.map((x) => [x, []]));
  const cycles: { completed: number; seconds: number; at: number }[] = [];
  const scheduler: Scheduler = new Scheduler({
    intervalMs,
    maxConcurrency: opts.maxConcurrency ?? 100,
    components: names.map((name) => ({ config: { name }, probes: [{ runner: world.runner(name), config: { timeoutMs: opts.timeoutMs ?? 5_000 } }] })),
    clock,
    now: () => EPOCH + clock.now(),
    logger,
    onRound: (i, r, startedAt) => results.get(names[i]!)!.push({ at: clock.now(), result: r[0]!, startedAt }),
    onCycle: (completed) => cycles.push({ completed, seconds: scheduler.lastCycleSeconds, at: clock.now() }),
  });
  return { clock, world, scheduler, names, results, cycles, lines, intervalMs };
}

/** The scheduler launches up to this much early to serve several components per wake-up. */
const batchMs = (intervalMs: number) => Math.max(1, Math.min(100, intervalMs / 300));

describe('scheduler on a fake clock', () => {
  it('spaces N components evenly over the interval, each at a fixed offset every cycle', async () => {
    const { clock, world, scheduler, names, intervalMs } = setup(7);
    scheduler.start();
    await clock.advance(45_000);
    scheduler.stop();
    const spacing = intervalMs / names.length;
    names.forEach((name, i) => {
      const starts = world.startsOf(name);
      // Cycles 2, 3 and 4 are steady (the ramp and cycle 1 are the start-up): cycle k starts at (k-1) x interval.
      for (const k of [2, 3, 4]) {
        const at = starts.find((t) => t >= (k - 1) * intervalMs - batchMs(intervalMs) && t < k * intervalMs - batchMs(intervalMs));
        expect(at, `${name} in cycle ${k}`).toBeDefined();
        const due = (k - 1) * intervalMs + i * spacing;
        expect(at!).toBeLessThanOrEqual(due);
        expect(at!).toBeGreaterThanOrEqual(due - batchMs(intervalMs));
      }
    });
  });

  it('launches components due within the batch window together, never late and never more than the window early', async () => {
    const n = 1_000;
    const { clock, world, scheduler, names, intervalMs } = setup(n);
    scheduler.start();
    await clock.advance(2 * intervalMs + intervalMs / 2);
    scheduler.stop();
    const wakeUps = new Set<number>();
    names.forEach((name, i) => {
      // Cycle 2, the first steady one after the ramp and cycle 1, starts one interval in.
      const due = intervalMs + (i * intervalMs) / n;
      const at = world.startsOf(name).find((t) => t <= due && t >= due - batchMs(intervalMs));
      expect(at, name).toBeDefined();
      wakeUps.add(at!);
    });
    // 1,000 components 10 ms apart with a 33 ms window: about 300 wake-ups, not 1,000.
    expect(wakeUps.size).toBeLessThan(n / 2);
  });

  it('ramps the first cycle up over one second, in order', async () => {
    const { clock, world, scheduler, names } = setup(10);
    scheduler.start();
    await clock.advance(1_500);
    scheduler.stop();
    names.forEach((name, i) => {
      const first = world.startsOf(name)[0];
      expect(first, name).toBeDefined();
      expect(first!).toBeLessThan(1_000);
      // Spread over the second, not all in the first millisecond: component i at i/N of it.
      expect(first!).toBeGreaterThanOrEqual((i * 1_000) / names.length - batchMs(10_000));
      expect(first!).toBeLessThanOrEqual((i * 1_000) / names.length);
    });
  });

  it('never leaves a component more than one interval between two results', async () => {
    const { clock, scheduler, names, results, intervalMs } = setup(10);
    scheduler.start();
    await clock.advance(6 * intervalMs);
    scheduler.stop();
    for (const name of names) {
      const at = results.get(name)!.map((r) => r.at);
      expect(at.length, name).toBeGreaterThanOrEqual(6);
      expect(at[0]!).toBeLessThanOrEqual(1_000 + 10);
      for (let j = 1; j < at.length; j++) expect(at[j]! - at[j - 1]!, `${name} result ${j}`).toBeLessThanOrEqual(intervalMs);
    }
  });

  it('cuts a probe that never answers at its deadline without delaying the others', async () => {
    const { clock, world, scheduler, names, results, intervalMs } = setup(4, { maxConcurrency: 3, timeoutMs: 2_000 });
    world.set('c1', { hang: true });
    scheduler.start();
    await clock.advance(4 * intervalMs);
    scheduler.stop();
    const hung = results.get('c1')!;
    expect(hung.length).toBeGreaterThanOrEqual(3);
    for (const r of hung) {
      expect(r.result.outcome).toMatchObject({ success: false, reason: 'timeout' });
      // Cut at the timeout plus the grace for a late answer to the abort, from the round's start.
      expect(r.at - (r.startedAt - EPOCH)).toBe(2_000 + ABORT_GRACE_MS);
    }
    // Every hung round was cut before its next turn: one start per cycle, each with its result.
    expect(world.startsOf('c1')).toHaveLength(hung.length);
    expect(world.startsOf('c1').slice(2)).toEqual([12_500, 22_500, 32_500]);
    for (const name of names.filter((x) => x !== 'c1')) {
      for (const r of results.get(name)!) {
        expect(r.result.outcome.success).toBe(true);
        expect(r.at - (r.startedAt - EPOCH), name).toBe(10);
      }
    }
  });

  it('keeps at most max_concurrency probes in flight', async () => {
    const { clock, world, scheduler } = setup(20, { maxConcurrency: 3, timeoutMs: 60_000 });
    for (let i = 0; i < 20; i++) world.set(`c${i}`, { latencyMs: 4_000 });
    scheduler.start();
    await clock.advance(30_000);
    scheduler.stop();
    expect(world.maxInFlight).toBe(3);
  });

  it('survives a round longer than the interval: skips that turn with a warning, keeps the others on time', async () => {
    const { clock, world, scheduler, results, cycles, lines, intervalMs } = setup(4, { timeoutMs: 20_000 });
    world.set('c0', { latencyMs: 15_000 });
    scheduler.start();
    await clock.advance(5 * intervalMs);
    scheduler.stop();
    expect(world.maxPerComponent).toBe(1);
    const skipped = lines.filter((l) => l.msg === 'probe round skipped: previous round still running' && l.component === 'c0');
    // Cycle 1 overlapping the ramp is expected (debug); a later overlap is an overrun (warn).
    expect(skipped.some((l) => l.cycle === 2 && l.level === 40)).toBe(true);
    expect(results.get('c0')!.map((r) => r.at)).toEqual([15_000, 35_000]);
    // The others are not held up by it.
    for (const [name, i] of [['c1', 1], ['c2', 2], ['c3', 3]] as const) {
      const starts = world.startsOf(name);
      for (const k of [2, 3, 4, 5]) expect(starts, name).toContain((k - 1) * intervalMs + i * 2_500);
      expect(results.get(name)!.length).toBeGreaterThanOrEqual(5);
    }
    // Cycles still complete; one that contained the long round lasted 15 s from its scheduled start.
    expect(cycles.length).toBeGreaterThanOrEqual(4);
    expect(cycles.some((c) => c.seconds === 15)).toBe(true);
  });

  it('measures a cycle from its scheduled start to its last result', async () => {
    const { clock, scheduler, cycles, intervalMs } = setup(4);
    scheduler.start();
    await clock.advance(4 * intervalMs);
    scheduler.stop();
    // Steady cycle k starts at (k-1) x interval; its last component runs at 7.5 s and answers in 10 ms.
    const steady = cycles.filter((c) => c.at > intervalMs);
    expect(steady.length).toBeGreaterThanOrEqual(2);
    for (const c of steady) expect(c.seconds).toBeCloseTo(7.51, 6);
    expect(cycles.map((c) => c.completed)).toEqual(cycles.map((_, i) => i + 1));
  });

  it('starts nothing after stop', async () => {
    const { clock, world, scheduler, names } = setup(3);
    scheduler.start();
    await clock.advance(12_000);
    scheduler.stop();
    const before = names.map((x) => world.startsOf(x).length);
    await clock.advance(30_000);
    expect(names.map((x) => world.startsOf(x).length)).toEqual(before);
  });
});
