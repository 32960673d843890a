/*
 * Versioned schema, tracked in SQLite's `user_version`. Append a migration; never edit a shipped one.
 */
import type Database from 'better-sqlite3';
import { openDatabase } from '../../data-files.js';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE incidents (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        title        TEXT    NOT NULL,
        source       TEXT    NOT NULL CHECK (source IN ('auto', 'manual')),
        root_cause   TEXT,
        severity     TEXT    NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
        status       TEXT    NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        components   TEXT    NOT NULL,          -- JSON array, sorted
        blast_radius TEXT    NOT NULL,          -- JSON array, sorted
        took_down    TEXT    NOT NULL,          -- JSON array, sorted
        started_at   INTEGER NOT NULL,
        resolved_at  INTEGER,
        updated_at   INTEGER NOT NULL,
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
        CHECK (source = 'manual' OR root_cause IS NOT NULL)
      );
      -- One open automatic incident per root cause, enforced by the database itself.
      CREATE UNIQUE INDEX incidents_one_open_per_root ON incidents (root_cause)
        WHERE source = 'auto' AND resolved_at IS NULL;
      CREATE INDEX incidents_open ON incidents (resolved_at);

      CREATE TABLE timeline (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        at          INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        author      TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        component   TEXT,
        from_state  TEXT,
        to_state    TEXT,
        status      TEXT
      );
      CREATE INDEX timeline_incident ON timeline (incident_id, seq);

      -- One row per incident: the annotation must reflect version; synced_version is what Grafana has.
      CREATE TABLE annotation_outbox (
        incident_id     INTEGER PRIMARY KEY REFERENCES incidents (id),
        version         INTEGER NOT NULL,
        synced_version  INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        annotation_id   INTEGER,
        -- Set before the first POST leaves: a later attempt looks the annotation up before posting again.
        post_sent_at    INTEGER
      );
      CREATE INDEX annotation_outbox_due ON annotation_outbox (next_attempt_at) WHERE version > synced_version;
    `,
  },
  {
    // Sinks: every destination shares one outbox keyed by (sink, change) and one table of what each
    // sink knows remotely per incident. Grafana's pending rows, annotation ids and "POST sent"
    // marks move over as the sink named 'grafana', so an upgrade neither loses nor re-posts one.
    version: 2,
    sql: `
      CREATE TABLE incident_changes (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id   INTEGER NOT NULL REFERENCES incidents (id),
        kind          TEXT    NOT NULL CHECK (kind IN ('opened', 'updated', 'resolved')),
        at            INTEGER NOT NULL,
        -- The change wrote this incident's timeline rows with entries_after < seq <= entries_last.
        entries_after INTEGER NOT NULL,
        entries_last  INTEGER NOT NULL
      );
      CREATE INDEX incident_changes_incident ON incident_changes (incident_id, seq);

      CREATE TABLE sink_outbox (
        sink            TEXT    NOT NULL,
        change_seq      INTEGER NOT NULL REFERENCES incident_changes (seq),
        incident_id     INTEGER NOT NULL REFERENCES incidents (id),
        state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        -- Set before a request that may create something remote leaves (see sink.ts markSent).
        sent_at         INTEGER,
        PRIMARY KEY (sink, change_seq)
      );
      CREATE INDEX sink_outbox_queue ON sink_outbox (sink, incident_id, change_seq) WHERE state = 'pending';
      CREATE INDEX sink_outbox_due ON sink_outbox (sink, next_attempt_at) WHERE state = 'pending';

      CREATE TABLE sink_state (
        sink        TEXT    NOT NULL,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        ref         TEXT,
        sent_at     INTEGER,
        PRIMARY KEY (sink, incident_id)
      );

      INSERT INTO sink_state (sink, incident_id, ref, sent_at)
        SELECT 'grafana', incident_id, CAST(annotation_id AS TEXT), post_sent_at FROM annotation_outbox
        WHERE annotation_id IS NOT NULL OR post_sent_at IS NOT NULL;
      -- A pending annotation becomes one pending change carrying the incident's state now (the
      -- Grafana sink coalesces, so one change stands for all the versions it had not synced).
      INSERT INTO incident_changes (incident_id, kind, at, entries_after, entries_last)
        SELECT o.incident_id,
               CASE WHEN o.synced_version = 0 AND o.annotation_id IS NULL THEN 'opened'
                    WHEN i.resolved_at IS NOT NULL THEN 'resolved' ELSE 'updated' END,
               i.updated_at, 0, 0
        FROM annotation_outbox o JOIN incidents i ON i.id = o.incident_id
        WHERE o.version > o.synced_version ORDER BY o.incident_id;
      INSERT INTO sink_outbox (sink, change_seq, incident_id, attempts, next_attempt_at, last_error, sent_at)
        SELECT 'grafana', c.seq, c.incident_id, o.attempts, o.next_attempt_at, o.last_error, o.post_sent_at
        FROM incident_changes c JOIN annotation_outbox o ON o.incident_id = c.incident_id;
      DROP TABLE annotation_outbox;
    `,
  },
  {
    // Public incidents (audience pages): what customers were told, linked to the internal incident
    // (NULL for an automatic notice). Ids are random text: the public id reveals nothing inside.
    version: 3,
    sql: `
      CREATE TABLE public_incidents (
        id          TEXT    PRIMARY KEY,
        page        TEXT    NOT NULL,
        incident_id INTEGER REFERENCES incidents (id),
        title       TEXT    NOT NULL,
        impact      TEXT    NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
        status      TEXT    NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        components  TEXT    NOT NULL,          -- JSON array of public component ids
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        resolved_at INTEGER,
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
      );
      -- An internal incident is published at most once per page.
      CREATE UNIQUE INDEX public_incidents_one_per_page ON public_incidents (incident_id, page) WHERE incident_id IS NOT NULL;
      CREATE INDEX public_incidents_page ON public_incidents (page, created_at);

      CREATE TABLE public_updates (
        id          TEXT    PRIMARY KEY,
        incident    TEXT    NOT NULL REFERENCES public_incidents (id),
        seq         INTEGER NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        body        TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        UNIQUE (incident, seq)
      );
    `,
  },
  {
    // Maintenance windows (issue 19), in the same file but apart from incidents: maintenance/
    // reads them through its own MaintenanceStore. Windows created at run time (API, page, Slack),
    // and the early ends of any window's occurrence, config ones included (keyed by window id and
    // occurrence start), so an occurrence ended once healthy or cancelled stays ended after a restart.
    version: 4,
    sql: `
      CREATE TABLE maintenance_windows (
        id            TEXT    PRIMARY KEY,
        title         TEXT    NOT NULL,
        description   TEXT,
        components    TEXT    NOT NULL,          -- JSON array, sorted
        starts_at     INTEGER NOT NULL,
        ends_at       INTEGER NOT NULL,
        recover_after INTEGER,
        author        TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        CHECK (ends_at > starts_at)
      );
      CREATE INDEX maintenance_windows_end ON maintenance_windows (ends_at);

      CREATE TABLE maintenance_endings (
        window_id   TEXT    NOT NULL,
        starts_at   INTEGER NOT NULL,
        ended_at    INTEGER NOT NULL,
        reason      TEXT    NOT NULL CHECK (reason IN ('recovered', 'cancelled')),
        author      TEXT    NOT NULL,
        PRIMARY KEY (window_id, starts_at)
      );
      CREATE INDEX maintenance_endings_at ON maintenance_endings (ended_at);

      -- One Grafana region annotation per occurrence: the body it must show (version), what
      -- Grafana has (synced_version), its id (ref), and sent_at set before a POST leaves, so a
      -- retry after a lost answer looks it up by its tag instead of posting it twice.
      CREATE TABLE maintenance_annotations (
        window_id       TEXT    NOT NULL,
        starts_at       INTEGER NOT NULL,
        body            TEXT    NOT NULL,          -- JSON: time, timeEnd, tags, text
        version         INTEGER NOT NULL,
        synced_version  INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        ref             TEXT,
        sent_at         INTEGER,
        PRIMARY KEY (window_id, starts_at)
      );
      CREATE INDEX maintenance_annotations_due ON maintenance_annotations (next_attempt_at) WHERE version > synced_version;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database to SCHEMA_VERSION; each step in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new Error(`incident database schema version ${current} is newer than this statusgraph supports (${latest}); refusing to touch it`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}

/**
 * Opens `name` under `dataDir` migrated, in WAL, with FULL sync: what is acknowledged (an
 * incident, a maintenance window) must survive power loss, and writes are rare. Migrates (or
 * refuses a newer schema) before switching to WAL, so a refused file is left as it was. The
 * incident store and the maintenance store each open their own connection with it.
 */
export function openMigratedDatabase(dataDir: string, name: string): Database.Database {
  const db = openDatabase(dataDir, name);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
