/*
 * Versioned schema, tracked in SQLite's `user_version`. Append a migration; never edit a shipped one.
 */
import type Database from 'better-sqlite3';

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
