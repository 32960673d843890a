import type pg from 'pg';

/*
 * The cluster's tables. Kept as one list so that the store's migrations runner can register them
 * as a migration of its own; until then ensureClusterSchema runs them at start, under an advisory
 * lock so that two replicas starting together never create the same table at once (CREATE TABLE
 * IF NOT EXISTS alone races: both see it missing, one fails on the catalog's unique index).
 */
export const CLUSTER_DDL: readonly string[] = Object.freeze([
  // Heartbeats: a replica is a member while its last_seen is recent (registry.ts).
  `CREATE TABLE IF NOT EXISTS cluster_replicas (
     name text PRIMARY KEY,
     location text NOT NULL,
     started_at timestamptz NOT NULL,
     last_seen timestamptz NOT NULL)`,
  // One row: who leads, under which fencing token, until when (lease.ts). Times are the database's.
  `CREATE TABLE IF NOT EXISTS cluster_lease (
     id smallint PRIMARY KEY CHECK (id = 1),
     holder text,
     token bigint NOT NULL DEFAULT 0,
     acquired_at timestamptz,
     expires_at timestamptz NOT NULL DEFAULT '-infinity')`,
  `INSERT INTO cluster_lease (id) VALUES (1) ON CONFLICT (id) DO NOTHING`,
  // The latest round of each component by each prober (exchange.ts): one row per pair, updated in
  // place, so the table stays at components x R rows. xid orders the writes for readers.
  `CREATE TABLE IF NOT EXISTS cluster_results (
     component text NOT NULL,
     replica text NOT NULL,
     at bigint NOT NULL,
     started_at bigint NOT NULL,
     results jsonb NOT NULL,
     -- The database's clock: readers get each row's age from it, whatever their own clocks say.
     written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
     PRIMARY KEY (component, replica))`,
  `CREATE INDEX IF NOT EXISTS cluster_results_xid ON cluster_results (xid)`,
  // What the leader decided once for the cluster (checker health changes, terms), each under its token.
  `CREATE TABLE IF NOT EXISTS cluster_events (
     id bigserial PRIMARY KEY,
     token bigint NOT NULL,
     holder text NOT NULL,
     at timestamptz NOT NULL DEFAULT clock_timestamp(),
     kind text NOT NULL,
     replica text,
     detail jsonb NOT NULL DEFAULT '{}')`,
]);

/** pg_advisory_lock key of the cluster's schema: 'sgcl' in ASCII. */
export const SCHEMA_LOCK = 0x7367636c;

export async function ensureClusterSchema(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    try {
      for (const sql of CLUSTER_DDL) await c.query(sql);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    }
  } finally {
    c.release();
  }
}
