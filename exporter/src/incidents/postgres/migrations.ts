/*
 * The PostgreSQL schema, versioned like SQLite's (../sqlite/migrations.ts) and numbered the same:
 * a feature that adds SQLite version N adds PostgreSQL version N here. Append; never edit a shipped
 * one. Applied versions are rows of statusgraph_migrations; a version missing there is applied
 * even when a higher one is (version 5, the cluster's tables, ships while 4 is still reserved).
 *
 * Several replicas start at once against one database: each migrates under a session advisory
 * lock, so one applies the steps and the others, once they get the lock, find nothing to do.
 * Each step runs in its own transaction (DDL is transactional in PostgreSQL).
 *
 * Version 1 is SQLite's version 1 without the Grafana-only annotation_outbox, and version 2 the
 * sinks' tables without carrying it over: there is no PostgreSQL install from before the sinks.
 */
import type pg from 'pg';
import { withConnection } from '../../pg-connection.js';
import { LOCK_CLASS, LOCKS } from './pool.js';

export interface PgMigration {
  readonly version: number;
  readonly sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE incidents (
        id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        title        TEXT   NOT NULL,
        source       TEXT   NOT NULL CHECK (source IN ('auto', 'manual')),
        root_cause   TEXT,
        severity     TEXT   NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
        status       TEXT   NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        components   TEXT   NOT NULL,          -- JSON array, sorted
        blast_radius TEXT   NOT NULL,          -- JSON array, sorted
        took_down    TEXT   NOT NULL,          -- JSON array, sorted
        started_at   BIGINT NOT NULL,          -- epoch ms
        resolved_at  BIGINT,
        updated_at   BIGINT NOT NULL,
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
        CHECK (source = 'manual' OR root_cause IS NOT NULL)
      );
      -- One open automatic incident per root cause, enforced by the database itself.
      CREATE UNIQUE INDEX incidents_one_open_per_root ON incidents (root_cause) WHERE source = 'auto' AND resolved_at IS NULL;
      CREATE INDEX incidents_open ON incidents (resolved_at);
      CREATE INDEX incidents_started ON incidents (started_at DESC, id DESC);

      CREATE TABLE timeline (
        seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        incident_id BIGINT NOT NULL REFERENCES incidents (id),
        at          BIGINT NOT NULL,
        kind        TEXT   NOT NULL,
        author      TEXT   NOT NULL,
        text        TEXT   NOT NULL,
        component   TEXT,
        from_state  TEXT,
        to_state    TEXT,
        status      TEXT
      );
      CREATE INDEX timeline_incident ON timeline (incident_id, seq);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE incident_changes (
        seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        incident_id   BIGINT NOT NULL REFERENCES incidents (id),
        kind          TEXT   NOT NULL CHECK (kind IN ('opened', 'updated', 'resolved')),
        at            BIGINT NOT NULL,
        -- The change wrote this incident's timeline rows with entries_after < seq <= entries_last.
        entries_after BIGINT NOT NULL,
        entries_last  BIGINT NOT NULL
      );
      CREATE INDEX incident_changes_incident ON incident_changes (incident_id, seq);

      CREATE TABLE sink_outbox (
        sink            TEXT   NOT NULL,
        change_seq      BIGINT NOT NULL REFERENCES incident_changes (seq),
        incident_id     BIGINT NOT NULL REFERENCES incidents (id),
        state           TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error      TEXT,
        sent_at         BIGINT,
        PRIMARY KEY (sink, change_seq)
      );
      CREATE INDEX sink_outbox_queue ON sink_outbox (sink, incident_id, change_seq) WHERE state = 'pending';
      CREATE INDEX sink_outbox_due ON sink_outbox (sink, next_attempt_at) WHERE state = 'pending';

      -- Per (sink, incident): what the sink knows remotely, and which process is delivering its
      -- queue until when (claimed_until, epoch ms): the row other processes skip (SKIP LOCKED) or
      -- leave alone while the claim holds, so one change is never delivered by two processes.
      CREATE TABLE sink_state (
        sink          TEXT   NOT NULL,
        incident_id   BIGINT NOT NULL REFERENCES incidents (id),
        ref           TEXT,
        sent_at       BIGINT,
        claimed_by    TEXT,
        claimed_until BIGINT,
        PRIMARY KEY (sink, incident_id)
      );
    `,
  },
  {
    // Public incidents (audience pages), as SQLite version 3; n keeps insertion order (SQLite's rowid).
    version: 3,
    sql: `
      CREATE TABLE public_incidents (
        id          TEXT   PRIMARY KEY,
        n           BIGINT GENERATED ALWAYS AS IDENTITY,
        page        TEXT   NOT NULL,
        incident_id BIGINT REFERENCES incidents (id),
        title       TEXT   NOT NULL,
        impact      TEXT   NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
        status      TEXT   NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        components  TEXT   NOT NULL,          -- JSON array of public component ids
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL,
        resolved_at BIGINT,
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX public_incidents_one_per_page ON public_incidents (incident_id, page) WHERE incident_id IS NOT NULL;
      CREATE INDEX public_incidents_page ON public_incidents (page, created_at);

      CREATE TABLE public_updates (
        id       TEXT   PRIMARY KEY,
        incident TEXT   NOT NULL REFERENCES public_incidents (id),
        seq      INTEGER NOT NULL,
        status   TEXT   NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        body     TEXT   NOT NULL,
        at       BIGINT NOT NULL,
        UNIQUE (incident, seq)
      );
    `,
  },
  {
    // Maintenance windows (issue 19), as SQLite version 4: ad hoc windows, early ends, and the
    // durable queue of their Grafana annotations. Self-contained: no reference to other versions' tables.
    version: 4,
    sql: `
      CREATE TABLE maintenance_windows (
        id            TEXT    PRIMARY KEY,
        title         TEXT    NOT NULL,
        description   TEXT,
        components    TEXT    NOT NULL,          -- JSON array, sorted
        starts_at     BIGINT  NOT NULL,          -- epoch ms
        ends_at       BIGINT  NOT NULL,
        recover_after INTEGER,
        author        TEXT    NOT NULL,
        created_at    BIGINT  NOT NULL,
        CHECK (ends_at > starts_at)
      );
      CREATE INDEX maintenance_windows_end ON maintenance_windows (ends_at);

      CREATE TABLE maintenance_endings (
        window_id   TEXT    NOT NULL,
        starts_at   BIGINT  NOT NULL,
        ended_at    BIGINT  NOT NULL,
        reason      TEXT    NOT NULL CHECK (reason IN ('recovered', 'cancelled')),
        author      TEXT    NOT NULL,
        PRIMARY KEY (window_id, starts_at)
      );
      CREATE INDEX maintenance_endings_at ON maintenance_endings (ended_at);

      -- One Grafana region annotation per occurrence: the body it must show (version), what
      -- Grafana has (synced_version), its id (ref), and sent_at set before a POST leaves.
      CREATE TABLE maintenance_annotations (
        window_id       TEXT    NOT NULL,
        starts_at       BIGINT  NOT NULL,
        body            TEXT    NOT NULL,          -- JSON: time, timeEnd, tags, text
        version         INTEGER NOT NULL,
        synced_version  INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT  NOT NULL,
        last_error      TEXT,
        ref             TEXT,
        sent_at         BIGINT,
        PRIMARY KEY (window_id, starts_at)
      );
      CREATE INDEX maintenance_annotations_due ON maintenance_annotations (next_attempt_at) WHERE version > synced_version;
    `,
  },
  {
    // The cluster's tables (exporter/src/cluster/, docs/cluster.md), PostgreSQL only: SQLite has no
    // cluster. Created on every PostgreSQL install (a few empty tables) so that adding `cluster:`
    // needs no migration of its own. A database may have 5 without 4 (version 5 shipped first):
    // migratePostgres applies every version not yet recorded, so 4 is applied then, after 5.
    version: 5,
    sql: `
      -- Heartbeats: a replica is a member while its last_seen is recent (cluster/registry.ts).
      CREATE TABLE cluster_replicas (
         name text PRIMARY KEY,
         location text NOT NULL,
         started_at timestamptz NOT NULL,
         last_seen timestamptz NOT NULL);
      -- One row: who leads, under which fencing token, until when (cluster/lease.ts). Times are the database's.
      CREATE TABLE cluster_lease (
         id smallint PRIMARY KEY CHECK (id = 1),
         holder text,
         token bigint NOT NULL DEFAULT 0,
         acquired_at timestamptz,
         expires_at timestamptz NOT NULL DEFAULT '-infinity');
      INSERT INTO cluster_lease (id) VALUES (1);
      -- The latest round of each component by each prober (cluster/exchange.ts): one row per pair, updated in
      -- place, so the table stays at components x R rows. xid orders the writes for readers.
      CREATE TABLE cluster_results (
         component text NOT NULL,
         replica text NOT NULL,
         at bigint NOT NULL,
         started_at bigint NOT NULL,
         results jsonb NOT NULL,
         -- The database's clock: readers get each row's age from it, whatever their own clocks say.
         written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
         PRIMARY KEY (component, replica));
      CREATE INDEX cluster_results_xid ON cluster_results (xid);
      -- What the leader decided once for the cluster (checker health changes, terms), each under its token.
      CREATE TABLE cluster_events (
         id bigserial PRIMARY KEY,
         token bigint NOT NULL,
         holder text NOT NULL,
         at timestamptz NOT NULL DEFAULT clock_timestamp(),
         kind text NOT NULL,
         replica text,
         detail jsonb NOT NULL DEFAULT '{}');
    `,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/** Brings the database to the latest version under the migration lock; refuses a newer schema untouched. */
export function migratePostgres(pool: pg.Pool, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<MigrationResult> {
  return withConnection(pool, async (db, broke) => {
    try {
      // Session lock, held across the steps' own transactions; a crashed holder's lock goes with its connection.
      await db.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, LOCKS.migrate]);
      try {
        return await applyPending(db, migrations);
      } finally {
        await db.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCKS.migrate]);
      }
    } catch (e) {
      // The connection may be broken mid-step: do not hand it back to the pool.
      broke(e as Error);
      throw e;
    }
  });
}

/** Every version not recorded yet, in order, each in its own transaction (under the caller's lock). */
async function applyPending(db: pg.PoolClient, migrations: readonly PgMigration[]): Promise<MigrationResult> {
  await db.query('CREATE TABLE IF NOT EXISTS statusgraph_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  const applied = new Set((await db.query<{ version: number }>('SELECT version FROM statusgraph_migrations')).rows.map((r) => Number(r.version)));
  const from = Math.max(0, ...applied);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (from > latest) {
    throw new Error(`incident database schema version ${from} is newer than this statusgraph supports (${latest}); refusing to touch it`);
  }
  // Numbers are reserved per feature (4 before 5 ships, docs above), so a lower one may arrive
  // after a higher one was applied.
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await db.query('BEGIN');
    try {
      await db.query(m.sql);
      await db.query('INSERT INTO statusgraph_migrations (version) VALUES ($1)', [m.version]);
      await db.query('COMMIT');
    } catch (e) {
      await db.query('ROLLBACK');
      throw e;
    }
  }
  return { from, to: Math.max(from, latest) };
}
