/*
 * Thirty days of probe results: SQLite (WAL) in data_dir/results.db, apart from the small
 * state-change history so that each file's size says what it holds. The layout (time-major keys,
 * 30-s raw slots) and its migrations are results-schema.ts.
 *
 * Sizing (docs/architecture.md "Result store"; bench/history.ts, 30 simulated days at 100 and 200
 * probes, the same per probe): a raw row takes ~21 bytes on disk (WITHOUT ROWID; slot, integer
 * probe id and offset, latency as integer µs, reasons interned, NULL for a success costs nothing),
 * a bucket row ~40, in pages filled by appends (ranges deleted by age leave free pages that the
 * next appends reuse: 12 KB free at the end). At 10,000 probes every 30 s the defaults keep 6 h raw
 * (7.3 M rows, ~155 MB), 48 h of 5-minute buckets (5.9 M rows) and hourly ones for the rest of 30
 * days (6.65 M rows), ~500 MB of buckets: 0.65-0.66 GB, under the 1 GB promised.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { migrateSchema, openDatabase } from '../data-files.js';
import {
  FIVE_MIN_MS, HOUR_MS, aggregateResults, mergeBuckets, planRollup,
  type RawResult, type ResultBucket, type RetentionPolicy, type Watermarks,
} from './rollup.js';
import { RESULTS_MIGRATIONS, SLOT_MS } from './results-schema.js';

export const RESULTS_DB_FILE = 'results.db';

/** One result as queued by the snapshot listener. */
export interface QueuedResult {
  readonly component: string;
  readonly probe: string;
  readonly at: number;
  readonly latencyUs: number;
  /** Failure reason; undefined for a success. */
  readonly reason?: string;
}

export interface ProbeRef {
  readonly id: number;
  readonly component: string;
  readonly probe: string;
}

interface BucketRow {
  probe: number; start: number; count: number; failures: number; min_us: number | null; sum_us: number;
  max_us: number | null; p95_us: number | null; first_reason: number | null; last_reason: number | null;
}

const toBucket = (r: BucketRow): ResultBucket => ({
  probe: r.probe, start: r.start, count: r.count, failures: r.failures, minUs: r.min_us, sumUs: r.sum_us,
  maxUs: r.max_us, p95Us: r.p95_us, firstReason: r.first_reason, lastReason: r.last_reason,
});

/** Distinct reasons remembered in memory; beyond this the cache restarts (the table is the truth). */
const REASON_CACHE = 10_000;

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const AT = `slot * ${SLOT_MS} + ms`;
/** The numbers n = @a, @a + @step, ... <= @b, for `IN`: one index lookup each, in key order (no sort). */
const SERIES = 'WITH RECURSIVE s(n) AS (SELECT @a UNION ALL SELECT n + @step FROM s WHERE n + @step <= @b)';

/** A raw row to insert, in key order. */
type RawKey = [slot: number, probe: number, ms: number, latencyUs: number, reason: number | null];
const byKey = (x: RawKey, y: RawKey) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

export class ResultStore {
  readonly file: string;
  /** Schema version the file had when opened (0: a new file). */
  readonly openedVersion: number;
  private readonly db: Database.Database;
  private readonly probeIds = new Map<string, number>();
  private readonly reasonIds = new Map<string, number>();
  private readonly st: Record<string, Database.Statement>;
  private lastCutoffEdge = NaN;
  /** This process is the file's only writer: the watermarks are read once and kept. */
  private current: Watermarks;

  constructor(dataDir: string, private readonly policy: RetentionPolicy) {
    this.file = path.join(dataDir, RESULTS_DB_FILE);
    this.db = openDatabase(dataDir, RESULTS_DB_FILE);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.openedVersion = this.db.pragma('user_version', { simple: true }) as number;
      migrateSchema(this.db, RESULTS_MIGRATIONS);
      if (this.converted) this.compact();
      for (const r of this.db.prepare('SELECT id, component, probe FROM probes').all() as ProbeRef[]) this.probeIds.set(`${r.component}\0${r.probe}`, r.id);
      this.st = this.prepare();
      this.current = this.st.marks!.get() as Watermarks;
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private prepare(): Record<string, Database.Statement> {
    const db = this.db;
    return {
      addProbe: db.prepare('INSERT INTO probes (component, probe) VALUES (?, ?)'),
      findReason: db.prepare('SELECT id FROM reasons WHERE text = ?'),
      addReason: db.prepare('INSERT INTO reasons (text) VALUES (?)'),
      insert: db.prepare('INSERT OR IGNORE INTO results (slot, probe, ms, latency_us, reason) VALUES (?, ?, ?, ?, ?)'),
      // One probe: a lookup per slot. All probes: one range, in key order.
      raw: db.prepare(`${SERIES} SELECT probe, ${AT} AS at, latency_us AS latencyUs, reason FROM results
        WHERE slot IN s AND probe = @probe AND ${AT} >= @from AND ${AT} < @to ORDER BY slot, ms LIMIT @limit`),
      rawAll: db.prepare(`SELECT probe, ${AT} AS at, latency_us AS latencyUs, reason FROM results
        WHERE slot >= @a AND slot <= @b AND ${AT} >= @from AND ${AT} < @to ORDER BY slot, probe, ms`),
      seedRaw: db.prepare(`SELECT probe, ${AT}, latency_us, reason IS NOT NULL FROM results WHERE slot = @slot AND ${AT} >= @from AND ${AT} < @to ORDER BY probe, ms`).raw(true),
      seedBuckets: db.prepare('SELECT probe, start, count - failures, failures, sum_us, max_us FROM buckets WHERE step = ? AND start = ? ORDER BY probe').raw(true),
      firstSlot: db.prepare('SELECT MIN(slot) FROM results WHERE slot >= ?').pluck(),
      lastSlot: db.prepare('SELECT MAX(slot) FROM results').pluck(),
      deleteRaw: db.prepare(`DELETE FROM results WHERE slot <= @slot AND ${AT} < @before`),
      buckets: db.prepare(`${SERIES} SELECT * FROM buckets WHERE step = @step AND start IN s AND probe = @probe ORDER BY start`),
      bucketsAll: db.prepare('SELECT * FROM buckets WHERE step = ? AND start >= ? AND start < ? ORDER BY start, probe'),
      firstStart: db.prepare('SELECT MIN(start) FROM buckets WHERE step = ? AND start >= ?').pluck(),
      lastStart: db.prepare('SELECT MAX(start) FROM buckets WHERE step = ?').pluck(),
      addBucket: db.prepare(`INSERT INTO buckets (step, start, probe, count, failures, min_us, sum_us, max_us, p95_us, first_reason, last_reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deleteBuckets: db.prepare('DELETE FROM buckets WHERE step = ? AND start < ?'),
      marks: db.prepare('SELECT raw_from AS rawFrom, five_from AS fiveFrom FROM marks'),
      setMarks: db.prepare('UPDATE marks SET raw_from = ?, five_from = ?'),
    };
  }

  /**
   * After a conversion the old tables' pages are free but still in the file (twice the size until
   * reused): give them back, and empty the WAL that carried the copy.
   */
  private compact(): void {
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** The file was written by an older layout and converted on open. */
  get converted(): boolean {
    return this.openedVersion > 0 && this.openedVersion < RESULTS_MIGRATIONS.length;
  }

  marks(): Watermarks {
    return this.current;
  }

  private probeId(component: string, probe: string): number {
    const key = `${component}\0${probe}`;
    let id = this.probeIds.get(key);
    if (id === undefined) {
      id = Number(this.st.addProbe!.run(component, probe).lastInsertRowid);
      this.probeIds.set(key, id);
    }
    return id;
  }

  private reasonId(text: string): number {
    let id = this.reasonIds.get(text);
    if (id !== undefined) return id;
    const row = this.st.findReason!.get(text) as { id: number } | undefined;
    id = row ? row.id : Number(this.st.addReason!.run(text).lastInsertRowid);
    if (this.reasonIds.size >= REASON_CACHE) this.reasonIds.clear();
    this.reasonIds.set(text, id);
    return id;
  }

  /**
   * Writes a batch in one transaction, in key order (the rows of a flush then share a few pages
   * at the end of the table). Results older than the raw tier's start are dropped: that time is
   * already in buckets, and adding to it would count a bucket twice. Returns rows written.
   */
  write(batch: readonly QueuedResult[]): number {
    const rawFrom = this.current.rawFrom;
    let n = 0;
    this.db.transaction(() => {
      const rows: RawKey[] = [];
      for (const r of batch) {
        if (r.at < rawFrom) continue;
        const slot = Math.floor(r.at / SLOT_MS);
        rows.push([slot, this.probeId(r.component, r.probe), r.at - slot * SLOT_MS, r.latencyUs, r.reason === undefined ? null : this.reasonId(r.reason)]);
      }
      rows.sort(byKey);
      for (const row of rows) n += this.st.insert!.run(row).changes;
    })();
    return n;
  }

  /** Rolls raw results up to 5-minute buckets and those up to hourly ones, and prunes by age. */
  maintain(now: number): Watermarks {
    const marks = this.current;
    const plan = planRollup(now, this.policy, marks);
    // Watermarks and the cutoff move on 5-minute edges: between two, a pass would find nothing to do.
    const cutoffEdge = Math.floor(plan.cutoff / FIVE_MIN_MS);
    if (plan.next.rawFrom === marks.rawFrom && plan.next.fiveFrom === marks.fiveFrom && cutoffEdge === this.lastCutoffEdge) return marks;
    this.lastCutoffEdge = cutoffEdge;
    this.db.transaction(() => {
      // A 5-minute (an hour's) window of every probe at a time: one range read, buckets appended.
      for (const [a, b] of spans(marks.rawFrom, plan.next.rawFrom, FIVE_MIN_MS, this.nextRaw)) this.addBuckets(FIVE_MIN_MS, aggregateResults(this.rawIn(a, b), FIVE_MIN_MS));
      const nextFive = (t: number) => this.st.firstStart!.get(FIVE_MIN_MS, t) as number | null;
      for (const [a, b] of spans(marks.fiveFrom, plan.next.fiveFrom, HOUR_MS, nextFive)) this.addBuckets(HOUR_MS, mergeBuckets(this.bucketsIn(FIVE_MIN_MS, a, b), HOUR_MS));
      // Late rows before the old watermark were never aggregated: they go too, uncounted.
      const before = Math.max(plan.next.rawFrom, plan.cutoff);
      this.st.deleteRaw!.run({ slot: Math.ceil(before / SLOT_MS) - 1, before });
      this.st.deleteBuckets!.run(FIVE_MIN_MS, Math.max(plan.next.fiveFrom, plan.cutoff));
      this.st.deleteBuckets!.run(HOUR_MS, plan.cutoff);
      this.st.setMarks!.run(plan.next.rawFrom, plan.next.fiveFrom);
    })();
    this.current = plan.next;
    return plan.next;
  }

  /** The first time >= t that a raw row may have: t or the start of the next slot holding one. */
  private readonly nextRaw = (t: number): number | null => {
    const slot = this.st.firstSlot!.get(Math.floor(t / SLOT_MS)) as number | null;
    return slot === null ? null : Math.max(t, slot * SLOT_MS);
  };

  /** Drops reasons no row refers to any more (a full scan: run it daily). */
  vacuumReasons(): void {
    this.db.prepare(`DELETE FROM reasons WHERE id NOT IN (
      SELECT reason FROM results WHERE reason IS NOT NULL
      UNION SELECT first_reason FROM buckets WHERE first_reason IS NOT NULL
      UNION SELECT last_reason FROM buckets WHERE last_reason IS NOT NULL)`).run();
    this.reasonIds.clear();
  }

  private addBuckets(step: number, list: readonly ResultBucket[]): void {
    // Sorted by probe then start: one start per span here, so in key order (start, probe).
    for (const b of list) this.st.addBucket!.run(step, b.start, b.probe, b.count, b.failures, b.minUs, b.sumUs, b.maxUs, b.p95Us, b.firstReason, b.lastReason);
  }

  probesOf(component: string): ProbeRef[] {
    return this.db.prepare('SELECT id, component, probe FROM probes WHERE component = ? ORDER BY probe').all(component) as ProbeRef[];
  }

  allProbes(): ProbeRef[] {
    return this.db.prepare('SELECT id, component, probe FROM probes').all() as ProbeRef[];
  }

  /**
   * Raw results of one probe in [from, to), oldest first, at most `limit` (-1: all): one lookup
   * per 30-s slot between the first and last stored (6 h of raw tier: 720).
   */
  raw(probe: number, from: number, to: number, limit = -1): RawResult[] {
    const last = this.st.lastSlot!.get() as number | null;
    const first = this.st.firstSlot!.get(Math.floor(from / SLOT_MS)) as number | null;
    const b = Math.min(last ?? -Infinity, Math.ceil(to / SLOT_MS) - 1);
    if (first === null || first > b) return [];
    return this.st.raw!.all({ a: first, b, step: 1, probe, from, to, limit }) as RawResult[];
  }

  /** Stored buckets of one probe and step with a start in [from, to): one lookup per start. */
  buckets(step: number, probe: number, from: number, to: number): ResultBucket[] {
    const last = this.st.lastStart!.get(step) as number | null;
    const first = this.st.firstStart!.get(step, from) as number | null;
    const b = Math.min(last ?? -Infinity, Math.ceil(to / step) * step - step);
    if (first === null || first > b) return [];
    return (this.st.buckets!.all({ a: first, b, step, probe }) as BucketRow[]).map(toBucket);
  }

  /**
   * Every probe's raw results in [from, to) in key order (slot, probe, time: each probe's oldest
   * first), streamed: one range read, no array of them all (a day of 10,000 probes is 7 M rows).
   * No other statement of this store may run until the iteration ends.
   */
  rawIn(from: number, to: number): IterableIterator<RawResult> {
    return this.st.rawAll!.iterate({ a: Math.floor(from / SLOT_MS), b: Math.ceil(to / SLOT_MS) - 1, from, to }) as IterableIterator<RawResult>;
  }

  /** Every probe's buckets of `step` starting in [from, to), by start then probe, streamed as rawIn(). */
  *bucketsIn(step: number, from: number, to: number): Generator<ResultBucket> {
    for (const r of this.st.bucketsAll!.iterate(step, from, to) as IterableIterator<BucketRow>) yield toBucket(r);
  }

  /**
   * What the latency refill needs of every probe's raw results in [from, to), one 30-s slot at a
   * time in key order (each probe's oldest first), as arrays [probe, at, latencyUs, failed 0/1].
   * Arrays of a slot, not objects of the whole range: 3.7 s of CPU for a day of 10,000 probes
   * (7.2 M rows) against 8 s streamed as objects (bench/history-reads.ts, shared machine).
   */
  eachRawSlot(from: number, to: number, visit: (rows: [number, number, number, number][]) => void): void {
    for (const [a, b] of spans(from, to, SLOT_MS, this.nextRaw)) visit(this.st.seedRaw!.all({ slot: Math.floor(a / SLOT_MS), from: a, to: b }) as never);
  }

  /** The same for buckets of `step` starting in [from, to), a start at a time: [probe, start, successes, failures, sumUs, maxUs]. */
  eachBucketStart(step: number, from: number, to: number, visit: (rows: [number, number, number, number, number, number | null][]) => void): void {
    const next = (t: number) => this.st.firstStart!.get(step, t) as number | null;
    for (const [a] of spans(from, to, step, next)) visit(this.st.seedBuckets!.all(step, Math.ceil(a / step) * step) as never);
  }

  reasonTexts(ids: Iterable<number>): Map<number, string> {
    const out = new Map<number, string>();
    const get = this.db.prepare('SELECT text FROM reasons WHERE id = ?');
    for (const id of new Set(ids)) {
      const r = get.get(id) as { text: string } | undefined;
      if (r) out.set(id, r.text);
    }
    return out;
  }

  /** Bytes on disk: the database and its write-ahead log. */
  diskBytes(): number {
    return [this.file, `${this.file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The `size`-aligned spans of [from, to) that hold data, given `next(t)`: the first time >= t
 * that may hold some (null: none). Empty stretches (the exporter was down) cost one lookup.
 */
function* spans(from: number, to: number, size: number, next: (t: number) => number | null): Generator<[number, number]> {
  for (let t = next(from); t !== null && t < to; t = next(t)) {
    const edge = floorTo(t, size);
    const a = Math.max(from, edge);
    const b = Math.min(to, edge + size);
    yield [a, b];
    t = b;
  }
}
