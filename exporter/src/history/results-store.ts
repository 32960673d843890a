/*
 * Thirty days of probe results: SQLite (WAL) in data_dir/results.db, apart from the small
 * state-change history so that each file's size says what it holds.
 *
 * Sizing (docs/architecture.md "Result store"; measured with 500 probes x 3 h, bench/history.ts):
 * a raw row is ~22 bytes on disk (WITHOUT ROWID, integer probe id, epoch-ms INTEGER, latency as
 * INTEGER µs, reason interned, NULL for a success costs nothing), a bucket row ~41 bytes packed,
 * up to ~55 in half-split pages. At 10,000 probes every 30 s (28.8 M results a day) the defaults
 * keep 6 h raw (7.2 M rows, ~160 MB), 48 h of 5-minute buckets (5.8 M rows, 240-320 MB) and hourly
 * buckets for the rest of 30 days (6.7 M rows, 275-365 MB): 0.7-0.85 GB, under the 1 GB promised.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { migrateSchema, openDatabase } from '../data-files.js';
import {
  FIVE_MIN_MS, HOUR_MS, aggregateResults, mergeBuckets, planRollup,
  type RawResult, type ResultBucket, type RetentionPolicy, type Watermarks,
} from './rollup.js';

export const RESULTS_DB_FILE = 'results.db';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE probes (
    id        INTEGER PRIMARY KEY,
    component TEXT NOT NULL,
    probe     TEXT NOT NULL,
    UNIQUE (component, probe)
  );
  -- Failure reasons repeat (one per outage, not per result): stored once, referred to by id.
  CREATE TABLE reasons (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  CREATE TABLE results (
    probe      INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    latency_us INTEGER NOT NULL,
    reason     INTEGER,
    PRIMARY KEY (probe, at)
  ) WITHOUT ROWID;
  CREATE TABLE buckets (
    step         INTEGER NOT NULL,
    probe        INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    min_us       INTEGER,
    sum_us       INTEGER NOT NULL,
    max_us       INTEGER,
    p95_us       INTEGER,
    first_reason INTEGER,
    last_reason  INTEGER,
    PRIMARY KEY (step, probe, start)
  ) WITHOUT ROWID;
  CREATE TABLE marks (id INTEGER PRIMARY KEY CHECK (id = 1), raw_from INTEGER NOT NULL, five_from INTEGER NOT NULL);
  INSERT INTO marks VALUES (1, 0, 0);
  `,
];

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

export class ResultStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly probeIds = new Map<string, number>();
  private readonly reasonIds = new Map<string, number>();
  private readonly st: Record<string, Database.Statement>;
  private lastCutoffEdge = NaN;

  constructor(dataDir: string, private readonly policy: RetentionPolicy) {
    this.file = path.join(dataDir, RESULTS_DB_FILE);
    this.db = openDatabase(dataDir, RESULTS_DB_FILE);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      migrateSchema(this.db, MIGRATIONS);
      for (const r of this.db.prepare('SELECT id, component, probe FROM probes').all() as ProbeRef[]) this.probeIds.set(`${r.component}\0${r.probe}`, r.id);
      this.st = {
        addProbe: this.db.prepare('INSERT INTO probes (component, probe) VALUES (?, ?)'),
        findReason: this.db.prepare('SELECT id FROM reasons WHERE text = ?'),
        addReason: this.db.prepare('INSERT INTO reasons (text) VALUES (?)'),
        insert: this.db.prepare('INSERT OR IGNORE INTO results (probe, at, latency_us, reason) VALUES (?, ?, ?, ?)'),
        raw: this.db.prepare('SELECT probe, at, latency_us AS latencyUs, reason FROM results WHERE probe = ? AND at >= ? AND at < ? ORDER BY at LIMIT ?'),
        deleteRaw: this.db.prepare('DELETE FROM results WHERE probe = ? AND at < ?'),
        buckets: this.db.prepare('SELECT * FROM buckets WHERE step = ? AND probe = ? AND start >= ? AND start < ? ORDER BY start'),
        addBucket: this.db.prepare('INSERT INTO buckets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
        deleteBuckets: this.db.prepare('DELETE FROM buckets WHERE step = ? AND probe = ? AND start < ?'),
        marks: this.db.prepare('SELECT raw_from AS rawFrom, five_from AS fiveFrom FROM marks'),
        setMarks: this.db.prepare('UPDATE marks SET raw_from = ?, five_from = ?'),
      };
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  marks(): Watermarks {
    return this.st.marks!.get() as Watermarks;
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
   * Writes a batch in one transaction. Results older than the raw tier's start are dropped: that
   * time is already in buckets, and adding to it would count a bucket twice. Returns rows written.
   */
  write(batch: readonly QueuedResult[]): number {
    const rawFrom = this.marks().rawFrom;
    let n = 0;
    this.db.transaction(() => {
      for (const r of batch) {
        if (r.at < rawFrom) continue;
        const reason = r.reason === undefined ? null : this.reasonId(r.reason);
        n += this.st.insert!.run(this.probeId(r.component, r.probe), r.at, r.latencyUs, reason).changes;
      }
    })();
    return n;
  }

  /** Rolls raw results up to 5-minute buckets and those up to hourly ones, and prunes by age. */
  maintain(now: number): Watermarks {
    const marks = this.marks();
    const plan = planRollup(now, this.policy, marks);
    // Watermarks and the cutoff move on 5-minute edges: between two, a pass would find nothing
    // to do, at four statements per probe (bench/history.ts: half the store's CPU at 20 probes).
    const cutoffEdge = Math.floor(plan.cutoff / FIVE_MIN_MS);
    if (plan.next.rawFrom === marks.rawFrom && plan.next.fiveFrom === marks.fiveFrom && cutoffEdge === this.lastCutoffEdge) return marks;
    this.lastCutoffEdge = cutoffEdge;
    const ids = [...this.probeIds.values()];
    this.db.transaction(() => {
      for (const id of ids) {
        if (plan.next.rawFrom > marks.rawFrom) {
          const rows = this.st.raw!.all(id, marks.rawFrom, plan.next.rawFrom, -1) as RawResult[];
          for (const b of aggregateResults(rows, FIVE_MIN_MS)) this.addBucket(FIVE_MIN_MS, b);
        }
        if (plan.next.fiveFrom > marks.fiveFrom) {
          const parts = (this.st.buckets!.all(FIVE_MIN_MS, id, marks.fiveFrom, plan.next.fiveFrom) as BucketRow[]).map(toBucket);
          for (const b of mergeBuckets(parts, HOUR_MS)) this.addBucket(HOUR_MS, b);
        }
        // Late rows before the old watermark were never aggregated: they go too, uncounted.
        this.st.deleteRaw!.run(id, Math.max(plan.next.rawFrom, plan.cutoff));
        this.st.deleteBuckets!.run(FIVE_MIN_MS, id, Math.max(plan.next.fiveFrom, plan.cutoff));
        this.st.deleteBuckets!.run(HOUR_MS, id, plan.cutoff);
      }
      this.st.setMarks!.run(plan.next.rawFrom, plan.next.fiveFrom);
    })();
    return plan.next;
  }

  /** Drops reasons no row refers to any more (a full scan: run it daily). */
  vacuumReasons(): void {
    this.db.prepare(`DELETE FROM reasons WHERE id NOT IN (
      SELECT reason FROM results WHERE reason IS NOT NULL
      UNION SELECT first_reason FROM buckets WHERE first_reason IS NOT NULL
      UNION SELECT last_reason FROM buckets WHERE last_reason IS NOT NULL)`).run();
    this.reasonIds.clear();
  }

  private addBucket(step: number, b: ResultBucket): void {
    this.st.addBucket!.run(step, b.probe, b.start, b.count, b.failures, b.minUs, b.sumUs, b.maxUs, b.p95Us, b.firstReason, b.lastReason);
  }

  probesOf(component: string): ProbeRef[] {
    return this.db.prepare('SELECT id, component, probe FROM probes WHERE component = ? ORDER BY probe').all(component) as ProbeRef[];
  }

  allProbes(): ProbeRef[] {
    return this.db.prepare('SELECT id, component, probe FROM probes').all() as ProbeRef[];
  }

  /** Raw results of one probe in [from, to), oldest first, at most `limit` (-1: all). */
  raw(probe: number, from: number, to: number, limit = -1): RawResult[] {
    return this.st.raw!.all(probe, from, to, limit) as RawResult[];
  }

  /**
   * One probe's raw results in [from, to) summed per `widthMs` (seconds; failures apart), oldest
   * first: replaying a day into the latency rings at startup reads a few hundred groups per probe
   * instead of every row (2,880 at a 30 s interval).
   */
  rawSums(probe: number, from: number, to: number, widthMs: number): { start: number; count: number; sumUs: number; maxUs: number | null; failures: number; last: number }[] {
    return this.db.prepare(`
      SELECT at - at % @w AS start, COUNT(*) - COUNT(reason) AS count, TOTAL(CASE WHEN reason IS NULL THEN latency_us END) AS sumUs,
             MAX(CASE WHEN reason IS NULL THEN latency_us END) AS maxUs, COUNT(reason) AS failures, MAX(at) AS last
      FROM results WHERE probe = @probe AND at >= @from AND at < @to GROUP BY 1 ORDER BY 1`).all({ w: widthMs, probe, from, to }) as never;
  }

  /** Stored buckets of one probe and step with a start in [from, to). */
  buckets(step: number, probe: number, from: number, to: number): ResultBucket[] {
    return (this.st.buckets!.all(step, probe, from, to) as BucketRow[]).map(toBucket);
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
