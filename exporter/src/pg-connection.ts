import type pg from 'pg';

/**
 * Runs `fn` on a connection checked out of `pool`, and gives the connection back.
 *
 * pg-pool takes its own 'error' listener off a client while it is checked out, so a server that
 * ends the connection while no statement is in flight (PostgreSQL stopped between two statements
 * of a transaction) raised an unhandled 'error' event and killed the process: a replica died in 2
 * of 4 runs of test/cluster/replicas.test.ts ("PostgreSQL stopped 60 s") on a loaded machine.
 * Here the error is only noted: the next statement fails with it, and pg-pool discards a
 * connection that ended instead of reusing it. `broke` lets the caller discard one it no longer
 * trusts (a ROLLBACK that failed).
 */
export async function withConnection<T>(pool: pg.Pool, fn: (c: pg.PoolClient, broke: (err: Error) => void) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  const broke = (err: Error) => { broken ??= err; };
  c.on('error', broke);
  try {
    return await fn(c, broke);
  } finally {
    c.off('error', broke);
    c.release(broken);
  }
}

/**
 * Runs `fn` in one transaction on a connection of `pool` (`begin`: the statement that opens it):
 * COMMIT when it returns, ROLLBACK when it throws, and a connection whose ROLLBACK failed is
 * discarded, not reused. For the PostgreSQL store's writes and the cluster's lease and exchange.
 */
export function withTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  return withConnection(pool, async (c, broke) => {
    try {
      await c.query(begin);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(broke);
      throw e;
    }
  });
}
