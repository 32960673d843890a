/*
 * The result store's time-major layout (results-schema.ts, version 2): one probe's range read
 * across 30-s slot edges and bucket edges, pruning at a cutoff inside a slot, the all-probe scans
 * (roll-up, refill) in key order across a gap, and the conversion of a version-1 file with data in
 * every tier.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FIVE_MIN_MS, HOUR_MS, type RawResult, type ResultBucket, type RetentionPolicy } from '../../src/history/rollup.js';
import { RESULTS_DB_FILE, ResultStore, type QueuedResult } from '../../src/history/results-store.js';
import { SLOT_MS } from '../../src/history/results-schema.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-results-'));
  dirs.push(d);
  return d;
}

const T0 = Date.UTC(2026, 0, 5);
const POLICY: RetentionPolicy = { retentionMs: 86_400_000, rawMs: 3_600_000, fiveMinuteMs: 3 * 3_600_000 };
/** Phases in a 30-s interval: on a slot edge, its last millisecond, one past the edge, in between. */
const PHASES = [['api', 'http', 0], ['api', 'tls', SLOT_MS - 1], ['db', 'tcp', 7_777], ['db', 'udp', 1]] as const;

/** The k-th result of probe j (the fixture's generator, make-results-v1.ts, for its three probes). */
function result(k: number, j: number): QueuedResult {
  const [component, probe, phase] = PHASES[j]!;
  return { component, probe, at: T0 + k * 30_000 + phase, latencyUs: 1_000 + ((k * 37 + j * 11) % 900), ...((k + j) % 7 === 0 ? { reason: `refused ${k % 3}` } : {}) };
}

/** Writes intervals [k0, k1) of `probes` probes, rolling up every simulated minute. */
function run(store: ResultStore, k0: number, k1: number, probes: number = PHASES.length): void {
  for (let k = k0; k < k1; k++) {
    store.write(Array.from({ length: probes }, (_, j) => result(k, j)));
    if (k % 2 === 1) store.maintain(T0 + (k + 1) * 30_000);
  }
}

const idOf = (store: ResultStore, probe: string) => store.allProbes().find((p) => p.probe === probe)!.id;
const edges = (t: number, step: number) => [t - step - 1, t - 1, t, t + 1, t + step - 1, t + step, t + 7_777];

describe('one probe\'s raw results across 30-s slots', () => {
  it('answers any [from, to) exactly, oldest first, with a limit, whatever the phase', () => {
    const store = new ResultStore(dir(), POLICY);
    run(store, 0, 40);
    for (let j = 0; j < PHASES.length; j++) {
      const id = idOf(store, PHASES[j]![1]);
      const all = Array.from({ length: 40 }, (_, k) => result(k, j));
      const base = T0 + 10 * SLOT_MS;
      for (const from of edges(base, SLOT_MS)) {
        for (const to of edges(base + 5 * SLOT_MS, SLOT_MS)) {
          const want = all.filter((r) => r.at >= from && r.at < to).map((r) => r.at);
          expect(store.raw(id, from, to).map((r) => r.at), `${PHASES[j]![1]} [${from - T0}, ${to - T0})`).toEqual(want);
          expect(store.raw(id, from, to, 2).map((r) => r.at)).toEqual(want.slice(0, 2));
        }
      }
      const rows = store.raw(id, 0, T0 + 86_400_000);
      expect(rows).toHaveLength(40);
      expect(rows[3]).toEqual({ probe: id, at: all[3]!.at, latencyUs: all[3]!.latencyUs, reason: all[3]!.reason ? expect.any(Number) : null });
      expect(store.raw(id, T0 + 40 * 30_000, T0 + 86_400_000)).toEqual([]);
      expect(store.raw(id, 0, T0)).toEqual([]);
    }
    store.close();
  });

  it('prunes at a retention cutoff inside a slot: every row from the cutoff on kept, none before', () => {
    // Retention under full resolution: the cutoff, not the watermark, ends the raw tier.
    const policy = { retentionMs: 40 * 60_000 + 12_345, rawMs: HOUR_MS, fiveMinuteMs: HOUR_MS };
    const store = new ResultStore(dir(), policy);
    for (let k = 0; k < 200; k++) store.write(PHASES.map((_, j) => result(k, j)));
    const now = T0 + 200 * 30_000 + 1;
    store.maintain(now);
    const cutoff = now - policy.retentionMs;
    expect(cutoff % SLOT_MS).not.toBe(0);
    for (let j = 0; j < PHASES.length; j++) {
      const want = Array.from({ length: 200 }, (_, k) => result(k, j).at).filter((at) => at >= cutoff);
      expect(store.raw(idOf(store, PHASES[j]![1]), 0, now).map((r) => r.at)).toEqual(want);
    }
    store.close();
  });
});

describe('buckets and all-probe scans', () => {
  it('reads one probe\'s buckets across bucket edges, and every probe\'s in key order, across a three-day gap', () => {
    const store = new ResultStore(dir(), { ...POLICY, retentionMs: 7 * 86_400_000 });
    const gap = (3 * 86_400_000) / 30_000;
    // 6 h, three days without the exporter, 6 h more: both stretches end up in buckets.
    run(store, 0, 720);
    run(store, 720 + gap, 1_440 + gap);
    const end = T0 + (1_440 + gap) * 30_000;
    store.maintain(end);
    const { rawFrom, fiveFrom } = store.marks();
    for (const [step, from, to] of [[FIVE_MIN_MS, fiveFrom, rawFrom], [HOUR_MS, 0, fiveFrom]] as const) {
      const all = [...store.bucketsIn(step, from, to)];
      expect(all.length).toBeGreaterThan(0);
      expect(all).toEqual([...all].sort((x, y) => x.start - y.start || x.probe - y.probe));
      // The refill's view: one start of every probe per visit, the same rows.
      const starts: (readonly (number | null)[])[][] = [];
      store.eachBucketStart(step, from, to, (rows) => starts.push(rows));
      expect(starts.every((rows) => new Set(rows.map((r) => r[1])).size === 1)).toBe(true);
      expect(starts.flat()).toEqual(all.map((b) => [b.probe, b.start, b.count - b.failures, b.failures, b.sumUs, b.maxUs]));
      for (const p of store.allProbes()) {
        const mine = all.filter((b) => b.probe === p.id);
        expect(store.buckets(step, p.id, 0, end)).toEqual(mine);
        for (const t of [mine[1]!.start, mine[mine.length - 2]!.start]) {
          for (const a of edges(t, step)) {
            for (const b of edges(t + 2 * step, step)) {
              expect(store.buckets(step, p.id, a, b)).toEqual(mine.filter((x) => x.start >= a && x.start < b));
            }
          }
        }
      }
    }
    // Raw: key order (each probe's oldest first); the refill's view a slot at a time.
    const raw = [...store.rawIn(0, end + 1)];
    for (const p of store.allProbes()) expect(raw.filter((r) => r.probe === p.id)).toEqual(store.raw(p.id, 0, end + 1));
    const from = rawFrom + 12_345;
    const slots: (readonly number[])[][] = [];
    store.eachRawSlot(from, end + 1, (rows) => slots.push(rows));
    expect(slots.every((rows) => new Set(rows.map((r) => Math.floor(r[1]! / SLOT_MS))).size === 1)).toBe(true);
    expect(slots.flat()).toEqual(raw.filter((r) => r.at >= from).map((r) => [r.probe, r.at, r.latencyUs, r.reason === null ? 0 : 1]));
    store.close();
  });
});

describe('converting a version-1 results.db (fixtures/README.md)', () => {
  const FIXTURES = path.join(import.meta.dirname, 'fixtures');
  type Fixture = {
    policy: RetentionPolicy; end: number; marks: { rawFrom: number; fiveFrom: number };
    probes: { id: number; component: string; probe: string }[]; reasons: Record<string, string>;
    tiers: { id: number; raw: RawResult[]; fiveMinute: ResultBucket[]; hourly: ResultBucket[] }[];
  };
  const v1 = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'results-v1.json'), 'utf8')) as Fixture;

  it('answers every tier as version 1 did, leaves a compact file keyed by time, and rolls up on', () => {
    const d = dir();
    fs.copyFileSync(path.join(FIXTURES, 'results-v1.db'), path.join(d, RESULTS_DB_FILE));
    const store = new ResultStore(d, v1.policy);
    expect([store.openedVersion, store.converted]).toEqual([1, true]);
    expect(store.marks()).toEqual(v1.marks);
    expect(store.allProbes().sort((a, b) => a.id - b.id)).toEqual(v1.probes);
    for (const t of v1.tiers) {
      expect([t.raw.length, t.fiveMinute.length, t.hourly.length]).toEqual([120, 36, 20]);
      expect(store.raw(t.id, 0, v1.end + 1)).toEqual(t.raw);
      expect(store.buckets(FIVE_MIN_MS, t.id, 0, v1.end)).toEqual(t.fiveMinute);
      expect(store.buckets(HOUR_MS, t.id, 0, v1.end)).toEqual(t.hourly);
    }
    expect(Object.fromEntries(store.reasonTexts(Object.keys(v1.reasons).map(Number)))).toEqual(v1.reasons);
    store.close();

    const db = new Database(path.join(d, RESULTS_DB_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const key = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}') WHERE pk > 0 ORDER BY pk`).pluck().all());
    expect(key('results')).toEqual(['slot', 'probe', 'ms']);
    expect(key('buckets')).toEqual(['step', 'start', 'probe']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['buckets', 'marks', 'probes', 'reasons', 'results']);
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    db.close();

    // Two more hours on the converted file: every tier still holds exactly the results of its range.
    const again = new ResultStore(d, v1.policy);
    expect(again.converted).toBe(false);
    const k0 = (v1.end - T0) / 30_000;
    run(again, k0, k0 + 240, 3);
    const end = T0 + (k0 + 240) * 30_000;
    again.maintain(end);
    const { rawFrom, fiveFrom } = again.marks();
    expect(rawFrom).toBeGreaterThan(v1.marks.rawFrom);
    for (let j = 0; j < 3; j++) {
      const id = idOf(again, PHASES[j]![1]);
      const truth = (from: number, to: number) => Array.from({ length: k0 + 240 }, (_, k) => result(k, j)).filter((r) => r.at >= from && r.at < to);
      const counts = (from: number, to: number) => { const t = truth(from, to); return [t.length, t.filter((r) => r.reason).length]; };
      const hourly = again.buckets(HOUR_MS, id, 0, end);
      const five = again.buckets(FIVE_MIN_MS, id, 0, end);
      expect(again.raw(id, 0, end + 1).map((r) => r.at)).toEqual(truth(rawFrom, end + 1).map((r) => r.at));
      expect(five.map((b) => [b.start, b.count, b.failures])).toEqual(five.map((b) => [b.start, ...counts(b.start, b.start + FIVE_MIN_MS)]));
      expect(hourly.map((b) => [b.start, b.count, b.failures])).toEqual(hourly.map((b) => [b.start, ...counts(b.start, b.start + HOUR_MS)]));
      expect([five[0]!.start, five[five.length - 1]!.start + FIVE_MIN_MS, hourly[hourly.length - 1]!.start + HOUR_MS]).toEqual([fiveFrom, rawFrom, fiveFrom]);
      expect(hourly.length).toBe((fiveFrom - hourly[0]!.start) / HOUR_MS);
      expect(hourly[0]!.start).toBeGreaterThanOrEqual(end - v1.policy.retentionMs);
    }
    again.close();
  });
});
