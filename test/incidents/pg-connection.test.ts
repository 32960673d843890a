/*
 * A checked-out PostgreSQL connection whose server side ends between two statements (PostgreSQL
 * stopped in the middle of a transaction) must fail that transaction, not the process: pg-pool
 * takes its own 'error' listener off a checked-out client, and the unhandled 'error' event killed
 * a cluster replica in 2 of 4 runs of test/cluster/replicas.test.ts ("PostgreSQL stopped 60 s").
 * An unhandled 'error' event here would be an uncaught exception, which fails this file.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConnection } from '../../exporter/src/pg-connection.js';
import { until } from '../support/ports.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';

let db: PostgresCluster;
let pool: pg.Pool;

beforeAll(async () => {
  db = await startPostgresCluster({ replica: false });
  pool = new pg.Pool({ connectionString: db.primary.dsn(), max: 2 });
  pool.on('error', () => undefined);
});

afterAll(async () => {
  await pool?.end();
  await db?.destroy();
});

describe('withConnection', () => {
  it('survives the server ending the connection between two statements, and does not reuse it', async () => {
    const before = await withConnection(pool, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    const failed = await withConnection(pool, async (c) => {
      await c.query('BEGIN');
      const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      expect(pid).toBe(before);
      // Ended from another session while this one waits between statements (no query in flight).
      await db.primary.query('SELECT pg_terminate_backend($1)', [pid]);
      await until('the server to drop the session', async () => (await db.primary.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0, 10_000);
      return until('the next statement to fail', () => c.query('SELECT 1').then(() => undefined, (e: Error) => e), 10_000);
    });
    expect(failed.message).toMatch(/terminat|not queryable|Connection/i);
    // The pool hands out a new connection, never the ended one.
    const after = await withConnection(pool, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    expect(after).not.toBe(before);
    expect(pool.totalCount).toBe(1);
  });

  it('gives back a connection that the caller says broke, and a healthy one for reuse', async () => {
    const first = await withConnection(pool, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    expect(await withConnection(pool, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid)).toBe(first);
    await withConnection(pool, async (_c, broke) => broke(new Error('rollback failed')));
    const next = await withConnection(pool, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    expect(next).not.toBe(first);
  });
});
