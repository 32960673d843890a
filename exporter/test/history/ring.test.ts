import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sameHiddenClassCount } from '../../../test/support/v8-internals.js';
import { LatencyRing } from '../../src/history/ring.js';

describe('LatencyRing', () => {
  it('averages samples per bucket and counts failures apart', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 10, windowMs: 60_000 });
    r.add(10_100, 0.1);
    r.add(10_900, 0.3);
    r.add(11_200, undefined);
    const b = r.snapshot(12_000);
    expect(b).toHaveLength(2);
    expect(b[0]).toMatchObject({ start: 10_000, count: 2, max: 0.3, failures: 0 });
    expect(b[0]!.sum).toBeCloseTo(0.4);
    expect(b[1]).toMatchObject({ start: 11_000, count: 0, failures: 1 });
  });

  it('doubles the bucket width instead of growing past maxBuckets while the window is not covered', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 4, windowMs: 64_000 });
    for (let i = 0; i < 5; i++) r.add(i * 1_000, i + 1);
    expect(r.widthMs).toBe(2_000);
    const b = r.snapshot(5_000);
    expect(b.map((x) => x.start)).toEqual([0, 2_000, 4_000]);
    expect(b.map((x) => x.count)).toEqual([2, 2, 1]);
    expect(b[0]!.sum).toBe(3);
    expect(b[0]!.max).toBe(2);
    // Every sample is still accounted for after merging.
    expect(b.reduce((s, x) => s + x.sum, 0)).toBe(15);
  });

  it('stays bounded over a long run and covers the whole window at most', () => {
    const windowMs = 86_400_000;
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 180, windowMs });
    const step = 2_000;
    const end = 3 * windowMs;
    for (let t = 0; t < end; t += step) r.add(t, 0.01);
    expect(r.size).toBeLessThanOrEqual(180);
    const b = r.snapshot(end);
    expect(b[0]!.start + r.widthMs).toBeGreaterThan(end - windowMs);
    // The width stops growing once maxBuckets of it span the window.
    expect(r.widthMs * 180).toBeGreaterThanOrEqual(windowMs);
    expect(r.widthMs * 90).toBeLessThan(windowMs);
  });

  it('drops buckets that fell out of the window', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 100, windowMs: 10_000 });
    r.add(0, 0.1);
    r.add(20_000, 0.2);
    expect(r.snapshot(20_500).map((b) => b.start)).toEqual([20_000]);
  });

  it('keeps the maximum to the microsecond and the mean to float precision over many samples', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000_000, maxBuckets: 10, windowMs: 10_000_000 });
    let sum = 0;
    for (let i = 0; i < 1_000; i++) {
      const s = 0.0123456 + (i % 7) * 0.001;
      sum += s;
      r.add(i, s);
    }
    r.add(1_000, undefined);
    const [b] = r.snapshot(1_001);
    expect(b).toMatchObject({ count: 1_000, failures: 1, max: 0.018346 });
    expect(b!.sum / b!.count).toBeCloseTo(sum / 1_000, 6);
  });

  it('keeps a bucket per width on a grid: a gap leaves empty buckets that snapshots skip, and counts saturate', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 8, windowMs: 8_000 });
    r.add(0, 0.1);
    r.add(5_500, 0.2);
    expect(r.size).toBe(6);
    expect(r.snapshot(6_000).map((b) => [b.start, b.count])).toEqual([[0, 1], [5_000, 1]]);
    // Past the window's reach: the gap is wider than the ring, which starts over.
    r.add(100_000, 0.3);
    expect(r.snapshot(100_000).map((b) => [b.start, b.count])).toEqual([[100_000, 1]]);
    for (let i = 0; i < 70_000; i++) r.add(100_000, 0.001);
    expect(r.snapshot(100_000)[0]!.count).toBe(65_535);
  });

  it('counts a late sample in its own bucket, or in the oldest when it is older than the ring', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 4, windowMs: 4_000 });
    r.add(1_000, 0.1);
    r.add(3_000, 0.1);
    r.add(2_100, 0.1);
    r.add(500, undefined);
    expect(r.snapshot(3_500).map((b) => [b.start, b.count, b.failures])).toEqual([[1_000, 1, 1], [2_000, 1, 0], [3_000, 1, 0]]);
  });

  it('merges pairs of buckets on the new grid when it widens from an odd start', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 4, windowMs: 64_000 });
    for (const t of [1_000, 2_000, 3_000, 4_000, 5_000]) r.add(t, t / 1_000);
    expect(r.widthMs).toBe(2_000);
    expect(r.snapshot(5_000).map((b) => [b.start, b.count, b.sum, b.max])).toEqual([[0, 1, 1, 1], [2_000, 2, 5, 3], [4_000, 2, 9, 5]]);
  });

  it('rejects nonsense options', () => {
    expect(() => new LatencyRing({ maxBuckets: 1 })).toThrow(/maxBuckets/);
    expect(() => new LatencyRing({ windowMs: 0 })).toThrow(/windowMs/);
  });
});

describe('ring storage', () => {
  it('gives every ring of every buffer one hidden class (no map and descriptor array per probe)', () => {
    const ring = JSON.stringify(path.resolve(import.meta.dirname, '../../dist/history/ring.js'));
    // 40 buffers of 256 rings, as LatencyRings takes them at 10,000 probes; a spread copy per ring
    // gave all but 8 of these a map of their own.
    const { same, total } = sameHiddenClassCount(`
      const { ringStorage } = await import(${ring});
      const objects = [];
      for (let b = 0; b < 40; b++) objects.push(...ringStorage(120, 256));
    `);
    expect(total).toBe(10_240);
    expect(same).toBe(total);
  });
});
