/*
 * The state-change history behind the status page's uptime bars: SQLite (WAL) under data_dir,
 * one row per change of a component's own state, plus the spans during which the exporter ran.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { migrateSchema, openDatabase } from '../data-files.js';
import { STATES, type State } from '@statusgraph/core';
import type { Snapshot } from '../engine/snapshot.js';
import type { Span, StateRecord } from './uptime.js';

export const HISTORY_DB_FILE = 'history.db';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE state_changes (
    component TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    state     TEXT    NOT NULL CHECK (state IN ('operational', 'degraded', 'partial_outage', 'major_outage'))
  );
  CREATE INDEX state_changes_component_at ON state_changes (component, at);
  CREATE INDEX state_changes_at ON state_changes (at);
  -- One row per exporter run: time outside every run is "no data" on the uptime bars.
  CREATE TABLE runs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
  );
  `,
  // Why a state was entered, for the day view of the uptime bars (issue 17).
  `
  ALTER TABLE state_changes ADD COLUMN reason TEXT;
  ALTER TABLE state_changes ADD COLUMN root_causes TEXT;
  `,
  // Whether the outage entered was planned work (a maintenance window, issue 19): the uptime bars
  // count that time apart. A row is written when the state or this flag changes.
  `
  ALTER TABLE state_changes ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;
  `,
];

export interface HistoryStoreOptions {
  readonly dataDir: string;
  readonly now: () => number;
  /** How often the current run's end is written (ms); a crash loses at most this much coverage. */
  readonly touchEveryMs?: number;
  /** History older than this is pruned (ms). */
  readonly retentionMs?: number;
}

export interface HistoryQuery {
  /** Per component, oldest first; includes the last record before `from`. */
  readonly records: ReadonlyMap<string, StateRecord[]>;
  readonly spans: readonly Span[];
  /** Start of the oldest run still kept. */
  readonly firstStart: number | undefined;
}

export class HistoryStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly last = new Map<string, StateRecord>();
  private readonly runId: number;
  private lastTouch: number;
  private lastPrune: number;
  private readonly touchEveryMs: number;
  private readonly retentionMs: number;
  private readonly insert: Database.Statement;
  private readonly touch: Database.Statement;

  constructor(private readonly opts: HistoryStoreOptions) {
    this.touchEveryMs = opts.touchEveryMs ?? 60_000;
    this.retentionMs = opts.retentionMs ?? 91 * 86_400_000;
    this.file = path.join(opts.dataDir, HISTORY_DB_FILE);
    this.db = openDatabase(opts.dataDir, HISTORY_DB_FILE);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      // Losing the last second of history on power loss is acceptable; fsync per change is not needed.
      this.db.pragma('synchronous = NORMAL');
      migrateSchema(this.db, MIGRATIONS);
      const rows = this.db.prepare(
        'SELECT component, MAX(at) AS at, state, planned FROM state_changes GROUP BY component',
      ).all() as { component: string; at: number; state: State; planned: number }[];
      for (const r of rows) this.last.set(r.component, { at: r.at, state: r.state, planned: r.planned === 1 });
      const now = opts.now();
      this.runId = Number(this.db.prepare('INSERT INTO runs (started_at, last_seen) VALUES (?, ?)').run(now, now).lastInsertRowid);
      this.lastTouch = now;
      this.lastPrune = now;
      this.insert = this.db.prepare('INSERT INTO state_changes (component, at, state, reason, root_causes, planned) VALUES (?, ?, ?, ?, ?, ?)');
      this.touch = this.db.prepare('UPDATE runs SET last_seen = ? WHERE id = ?');
      this.prune(now);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** Writes every component whose own state differs from the last one stored; returns how many. */
  record(s: Snapshot): number {
    const changed: { component: string; at: number; state: State; reason: string | null; rootCauses: string | null; planned: boolean }[] = [];
    for (const c of s.components) {
      if (!c.checked || !STATES.includes(c.state)) continue;
      const prev = this.last.get(c.name);
      const planned = c.planned === true;
      if (prev && prev.state === c.state && (prev.planned ?? false) === planned) continue;
      // The monitor knows when the state was entered; never before the previous record, never after
      // the snapshot. Only the flag changed (a window began or ended during an outage): now.
      const at = prev && prev.state === c.state ? Math.max(s.at, prev.at) : Math.min(s.at, Math.max(c.since, prev ? prev.at : -Infinity));
      changed.push({ component: c.name, at, state: c.state, reason: c.reason ?? null, rootCauses: c.rootCauses.length ? c.rootCauses.join(',') : null, planned });
    }
    const now = this.opts.now();
    const touchDue = now - this.lastTouch >= this.touchEveryMs;
    if (changed.length || touchDue) {
      this.db.transaction(() => {
        for (const r of changed) this.insert.run(r.component, r.at, r.state, r.reason, r.rootCauses, r.planned ? 1 : 0);
        this.touch.run(now, this.runId);
      })();
      for (const r of changed) this.last.set(r.component, { at: r.at, state: r.state, planned: r.planned });
      this.lastTouch = now;
    }
    if (now - this.lastPrune >= 86_400_000) this.prune(now);
    return changed.length;
  }

  query(from: number): HistoryQuery {
    const now = this.opts.now();
    // The newest row before `from` per component is the state in force when the window opens.
    const rows = this.db.prepare(`
      SELECT component, at, state, planned, seq FROM (
        SELECT component, at, state, planned, rowid AS seq,
               ROW_NUMBER() OVER (PARTITION BY component ORDER BY at DESC, rowid DESC) AS rn
        FROM state_changes WHERE at < ?
      ) WHERE rn = 1
      UNION ALL
      SELECT component, at, state, planned, rowid AS seq FROM state_changes WHERE at >= ?
      ORDER BY component, at, seq
    `).all(from, from) as { component: string; at: number; state: State; planned: number }[];
    const records = new Map<string, StateRecord[]>();
    for (const r of rows) {
      let list = records.get(r.component);
      if (!list) records.set(r.component, (list = []));
      list.push({ at: r.at, state: r.state, ...(r.planned === 1 ? { planned: true } : {}) });
    }
    return { records, ...this.runs(from, now) };
  }

  /** One component's changes over [from, to) with their reasons, plus the one in force at `from`. */
  changes(component: string, from: number, to: number): { records: StateRecord[]; spans: readonly Span[] } {
    const rows = this.db.prepare(`
      SELECT at, state, reason, root_causes, planned FROM (
        SELECT at, state, reason, root_causes, planned, rowid AS seq FROM state_changes WHERE component = @component AND at < @from
        ORDER BY at DESC, rowid DESC LIMIT 1)
      UNION ALL
      SELECT at, state, reason, root_causes, planned FROM (
        SELECT at, state, reason, root_causes, planned, rowid AS seq FROM state_changes WHERE component = @component AND at >= @from AND at < @to ORDER BY at, rowid)
    `).all({ component, from, to }) as { at: number; state: State; reason: string | null; root_causes: string | null; planned: number }[];
    const records = rows.map((r) => ({
      at: r.at, state: r.state, ...(r.reason ? { reason: r.reason } : {}), rootCauses: r.root_causes ? r.root_causes.split(',') : [],
      ...(r.planned === 1 ? { planned: true } : {}),
    }));
    return { records, spans: this.runs(from).spans };
  }

  /** The runs that reach into [from, now], the current one ending now, and the first run's start. */
  runs(from: number, now = this.opts.now()): { spans: Span[]; firstStart: number | undefined } {
    // The current run is running now, whatever its last written end says.
    const spans = (this.db.prepare('SELECT id, started_at AS start, last_seen AS end FROM runs WHERE last_seen >= ? OR id = ?')
      .all(from, this.runId) as (Span & { id: number })[])
      .map((s) => ({ start: s.start, end: s.id === this.runId ? now : s.end }));
    const first = this.db.prepare('SELECT MIN(started_at) AS m FROM runs').get() as { m: number | null };
    return { spans, firstStart: first.m ?? undefined };
  }

  /** Drops history older than the retention, keeping each component's state in force at the cutoff. */
  prune(now: number): void {
    const cutoff = now - this.retentionMs;
    this.db.transaction(() => {
      this.db.prepare(`
        DELETE FROM state_changes WHERE at < ? AND rowid NOT IN (
          SELECT rowid FROM state_changes s WHERE at = (SELECT MAX(at) FROM state_changes t WHERE t.component = s.component AND t.at < ?)
        )`).run(cutoff, cutoff);
      this.db.prepare('DELETE FROM runs WHERE last_seen < ? AND id != ?').run(cutoff, this.runId);
    })();
    this.lastPrune = now;
  }

  close(): void {
    try {
      this.touch.run(this.opts.now(), this.runId);
    } finally {
      this.db.close();
    }
  }
}
