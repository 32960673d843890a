import { describe, expect, it } from 'vitest';
import { LatencyRing } from '../../src/history/ring.js';

describe('LatencyRing', () => {
  it('averages samples per bucket and counts failures apart', () => {
    const r = new LatencyRing({ initialWidthMs: 1_000, maxBuckets: 10, windowMs: 60_000 });
    r.add(10_100, 0.1);
    r.add(10_900, 0.3);
    r.add(11_200, undefined);
    const b = r.snapshot(12_000);
    expect(b).toHaveLength(2);
    expect(b[0]).toMatchObject({ start: 10_000, count: 2, min: 0.1, max: 0.3, failures: 0 });
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

  it('rejects nonsense options', () => {
    expect(() => new LatencyRing({ maxBuckets: 1 })).toThrow(/maxBuckets/);
    expect(() => new LatencyRing({ windowMs: 0 })).toThrow(/windowMs/);
  });
});
