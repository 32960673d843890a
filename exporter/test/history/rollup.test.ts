/*
 * Downsampling and pruning on a fake clock (issue 17, acceptance 2): every bucket of every tier
 * holds exactly the results of its time range (nothing double-counted at an edge, nothing lost
 * inside the retention), and nothing starts before the retention cutoff.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIVE_MIN_MS, HOUR_MS, aggregateResults, mergeBuckets, planRollup, type RetentionPolicy } from '../../src/history/rollup.js';
import { bucketsInRange } from '../../src/history/range.js';
import { ResultStore, type QueuedResult } from '../../src/history/results-store.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-results-'));
  dirs.push(d);
  return d;
}

const T0 = Date.UTC(2026, 0, 5); // a midnight: results land exactly on 5-minute and hour edges

describe('aggregateResults / mergeBuckets', () => {
  it('puts a result on an edge in the bucket it starts, with min/avg/max/p95 over successes and first/last failure reasons', () => {
    const rows = [
      ...Array.from({ length: 20 }, (_, i) => ({ probe: 1, at: T0 + i * 10_000, latencyUs: (i + 1) * 1_000, reason: null })),
      { probe: 1, at: T0 + 200_000, latencyUs: 5, reason: 7 },
      { probe: 1, at: T0 + 250_000, latencyUs: 5, reason: 8 },
      { probe: 1, at: T0 + FIVE_MIN_MS, latencyUs: 42_000, reason: null },
    ];
    const [a, b] = aggregateResults(rows, FIVE_MIN_MS);
    expect(a).toEqual({ probe: 1, start: T0, count: 22, failures: 2, minUs: 1_000, sumUs: 210_000, maxUs: 20_000, p95Us: 19_000, firstReason: 7, lastReason: 8 });
    expect(b).toMatchObject({ start: T0 + FIVE_MIN_MS, count: 1, failures: 0, p95Us: 42_000, firstReason: null });
    const [h] = mergeBuckets([a!, b!], HOUR_MS);
    expect(h).toEqual({ probe: 1, start: T0, count: 23, failures: 2, minUs: 1_000, sumUs: 252_000, maxUs: 42_000, p95Us: 42_000, firstReason: 7, lastReason: 8 });
  });

  it('plans watermarks on bucket edges that never move back, the 5-minute tier never past raw', () => {
    const policy: RetentionPolicy = { retentionMs: 86_400_000, rawMs: 3_600_000, fiveMinuteMs: 3 * 3_600_000 };
    let marks = { rawFrom: 0, fiveFrom: 0 };
    for (let now = T0; now < T0 + 86_400_000; now += 61_000) {
      const p = planRollup(now, policy, marks);
      expect(p.next.rawFrom % FIVE_MIN_MS).toBe(0);
      expect(p.next.fiveFrom % HOUR_MS).toBe(0);
      expect(p.next.rawFrom).toBeGreaterThanOrEqual(marks.rawFrom);
      expect(p.next.fiveFrom).toBeGreaterThanOrEqual(marks.fiveFrom);
      expect(p.next.fiveFrom).toBeLessThanOrEqual(p.next.rawFrom);
      expect(now - p.next.rawFrom).toBeGreaterThanOrEqual(policy.rawMs);
      expect(now - p.next.rawFrom).toBeLessThan(policy.rawMs + FIVE_MIN_MS);
      expect(p.cutoff).toBe(now - policy.retentionMs);
      marks = p.next;
    }
  });
});

describe('ResultStore roll-up and pruning on a fake clock', () => {
  const policy: RetentionPolicy = { retentionMs: 86_400_000, rawMs: 3_600_000, fiveMinuteMs: 3 * 3_600_000 };

  it('holds each result in exactly one tier and nothing older than the retention, over two simulated days', () => {
    const store = new ResultStore(dir(), policy);
    const written: QueuedResult[] = [];
    let now = T0;
    // Two probes every 30 s (on every 5-minute and hour edge), one failing every 7th time; a
    // roll-up pass each simulated minute, as the timer does.
    for (let k = 0; now < T0 + 2 * 86_400_000; k++, now += 30_000) {
      const batch = ['a', 'b'].map((probe, j) => ({
        component: 'c', probe, at: now, latencyUs: 1_000 + ((k * 37 + j) % 500),
        ...((k + j) % 7 === 0 ? { reason: `refused ${k % 3}` } : {}),
      }));
      written.push(...batch);
      expect(store.write(batch)).toBe(2);
      if (k % 2 === 1) store.maintain(now);
    }
    const end = now;
    store.maintain(end);
    const { rawFrom, fiveFrom } = store.marks();
    const cutoff = end - policy.retentionMs;
    const ids = store.allProbes();
    expect(ids.map((p) => p.probe).sort()).toEqual(['a', 'b']);
    const truth = (probe: string, from: number, to: number) => written.filter((r) => r.probe === probe && r.at >= from && r.at < to);

    for (const p of ids) {
      const raw = store.raw(p.id, 0, end + 1);
      const five = store.buckets(FIVE_MIN_MS, p.id, 0, end);
      const hourly = store.buckets(HOUR_MS, p.id, 0, end);
      // Tiers are disjoint and in order: hourly < fiveFrom <= 5-minute < rawFrom <= raw.
      expect(raw[0]!.at).toBe(rawFrom);
      expect(five[0]!.start).toBe(fiveFrom);
      expect(five[five.length - 1]!.start + FIVE_MIN_MS).toBe(rawFrom);
      expect(hourly[hourly.length - 1]!.start + HOUR_MS).toBe(fiveFrom);
      // Nothing kept past the retention.
      expect(hourly[0]!.start).toBeGreaterThanOrEqual(cutoff);
      expect(hourly[0]!.start - cutoff).toBeLessThan(HOUR_MS);
      // Every bucket holds exactly the results of its range: no double count at an edge, no loss.
      expect(raw.length).toBe(truth(p.probe, rawFrom, end).length);
      for (const b of five) expect([b.start, b.count, b.failures]).toEqual([b.start, ...counts(truth(p.probe, b.start, b.start + FIVE_MIN_MS))]);
      for (const b of hourly) {
        const t = truth(p.probe, b.start, b.start + HOUR_MS);
        expect([b.start, b.count, b.failures]).toEqual([b.start, ...counts(t)]);
        expect(b.sumUs).toBe(t.filter((r) => !r.reason).reduce((s, r) => s + r.latencyUs, 0));
        expect(b.maxUs).toBe(Math.max(...t.filter((r) => !r.reason).map((r) => r.latencyUs)));
      }
      // Hours are contiguous from the first kept one to the 5-minute tier.
      expect(hourly.length).toBe((fiveFrom - hourly[0]!.start) / HOUR_MS);
      const total = raw.length + five.reduce((s, b) => s + b.count, 0) + hourly.reduce((s, b) => s + b.count, 0);
      expect(total).toBe(truth(p.probe, hourly[0]!.start, end).length);
    }
    store.close();
  });

  it('answers a range the same before and after the roll-up moves it to the next tier', () => {
    const store = new ResultStore(dir(), policy);
    let now = T0;
    for (let k = 0; k < 8 * 120; k++, now += 30_000) {
      store.write([{ component: 'c', probe: 'a', at: now, latencyUs: 1_000 + (k % 97) * 10, ...(k % 11 === 0 ? { reason: 'timeout' } : {}) }]);
    }
    const id = store.allProbes()[0]!.id;
    const before5 = bucketsInRange(store, id, T0, now, '5m');
    const before1h = bucketsInRange(store, id, T0, now, '1h');
    expect(store.marks()).toEqual({ rawFrom: 0, fiveFrom: 0 });
    store.maintain(now);
    expect(store.marks().fiveFrom).toBeGreaterThan(T0);
    expect(bucketsInRange(store, id, T0, now, '1h')).toEqual(before1h);
    // The part now hourly answers hourly; the rest at 5 minutes, unchanged.
    const after5 = bucketsInRange(store, id, T0, now, '5m');
    const fiveFrom = store.marks().fiveFrom;
    expect(after5.filter((b) => b.start >= fiveFrom)).toEqual(before5.filter((b) => b.start >= fiveFrom));
    expect(after5.filter((b) => b.start < fiveFrom).every((b) => b.stepMs === HOUR_MS)).toBe(true);
    store.close();
  });

  it('drops a late result whose time is already rolled up, rather than counting its bucket twice', () => {
    const store = new ResultStore(dir(), policy);
    const now = T0 + 5 * HOUR_MS;
    store.write([{ component: 'c', probe: 'a', at: T0 + 10 * 60_000, latencyUs: 1_000 }]);
    store.maintain(now);
    const id = store.allProbes()[0]!.id;
    const before = bucketsInRange(store, id, T0, now, '5m');
    expect(store.write([{ component: 'c', probe: 'a', at: T0 + 11 * 60_000, latencyUs: 2_000 }])).toBe(0);
    store.maintain(now + 60_000);
    expect(bucketsInRange(store, id, T0, now, '5m')).toEqual(before);
    store.close();
  });

  it('keeps its tiers and watermarks across a reopen', () => {
    const d = dir();
    const s1 = new ResultStore(d, policy);
    s1.write([{ component: 'c', probe: 'a', at: T0, latencyUs: 1_000, reason: 'refused' }]);
    s1.maintain(T0 + 5 * HOUR_MS);
    const marks = s1.marks();
    s1.close();
    const s2 = new ResultStore(d, policy);
    expect(s2.marks()).toEqual(marks);
    const id = s2.allProbes()[0]!.id;
    const [b] = bucketsInRange(s2, id, T0, T0 + HOUR_MS, '1h');
    expect(b).toMatchObject({ count: 1, failures: 1 });
    expect(s2.reasonTexts([b!.firstReason!]).get(b!.firstReason!)).toBe('refused');
    s2.close();
  });
});

function counts(rows: readonly QueuedResult[]): [number, number] {
  return [rows.length, rows.filter((r) => r.reason !== undefined).length];
}
