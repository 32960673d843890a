/*
 * The PostgreSQL connection pool of the incident store, and the one transaction helper.
 *
 * - BIGINT (epoch ms, ids, counts) comes back as a JavaScript number: every value stored fits in
 *   2^53 (epoch ms until the year 287,396), and the row mappers (../rows.ts) are shared with SQLite.
 * - A connection that breaks while idle (PostgreSQL restarted or stopped) is an 'error' event on
 *   the pool: logged and dropped, never a crash; the next query opens a new connection.
 * - The DSN is a secret: it is never logged; errors from `pg` name the host at most.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction } from '../../pg-connection.js';

const INT8 = 20;

/** Advisory lock keys (two-int form): class STATUSGRAPH, then what the lock guards. */
export const LOCK_CLASS = 0x53474d49; // 'SGMI'
export const LOCKS = { migrate: 1, incidentWrites: 2 } as const;

export interface PoolOptions {
  readonly dsn: string;
  /** Connections at most (writes are serialized by one advisory lock, so a few are enough). */
  readonly max?: number;
  readonly logger: Logger;
}

/** A connect that hangs (a frozen server, a black-holed route) gives up after this. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** A statement that gets no answer gives up after this (client side; the server may still finish it). */
export const QUERY_TIMEOUT_MS = 30_000;

export function createPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.dsn,
    max: opts.max ?? 5,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'statusgraph',
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  pool.on('error', (err) => {
    opts.logger.warn({ event: 'incident_store_connection_lost', err: err.message }, 'a PostgreSQL connection of the incident store broke; the next query opens a new one');
  });
  return pool;
}

export type Db = pg.PoolClient;

/** Runs `fn` in one transaction on one connection; a broken connection is thrown away, not reused. */
export function transaction<T>(pool: pg.Pool, fn: (db: Db) => Promise<T>): Promise<T> {
  return withTransaction(pool, fn);
}

/** Serializes every incident write across processes: a change's timeline range (entries_after..last) holds only its own rows. */
export async function lockIncidentWrites(db: Db): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCKS.incidentWrites]);
}
