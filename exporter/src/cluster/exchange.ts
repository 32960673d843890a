import type pg from 'pg';
import { withTransaction } from '../pg-connection.js';
import type { Report } from './merge.js';

/**
 * The results exchange through PostgreSQL: each replica upserts its latest round per component
 * in batches (one statement per flush, arrays through unnest), and reads every row written since
 * its last read.
 *
 * "Since" is by transaction id, not by a sequence: sequence values are taken before commit, so a
 * reader could pass a value whose row commits later and never see it. Each read also takes the
 * xmin of its snapshot (the oldest transaction still running); every transaction below it has
 * ended, so reading from there on again next time misses nothing. A row read twice is ignored by
 * the merger (not newer than what it holds).
 */
export class Exchange {
  /** Latest unsent round per component: while the database is away only the newest matters. */
  private queue = new Map<string, Report>();
  private from = '0';

  constructor(private readonly pool: pg.Pool, private readonly replica: string) {}

  enqueue(r: Report): void {
    this.queue.set(r.component, r);
  }

  get queued(): number {
    return this.queue.size;
  }

  /** Writes the queued rounds in one statement; on failure they stay queued (newer ones replace them). */
  async flush(): Promise<number> {
    if (this.queue.size === 0) return 0;
    const batch = [...this.queue.values()];
    this.queue = new Map();
    try {
      await this.pool.query(
        `INSERT INTO cluster_results (component, replica, at, started_at, results, written_at, xid)
         SELECT c, $1, a, s, r, clock_timestamp(), pg_current_xact_id() FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::jsonb[]) AS t(c, a, s, r)
         ON CONFLICT (component, replica) DO UPDATE
           SET at = excluded.at, started_at = excluded.started_at, results = excluded.results, written_at = excluded.written_at, xid = excluded.xid
           WHERE cluster_results.at < excluded.at`,
        [this.replica, batch.map((r) => r.component), batch.map((r) => r.at), batch.map((r) => r.startedAt), batch.map((r) => JSON.stringify(r.results))],
      );
    } catch (err) {
      for (const r of batch) if (!this.queue.has(r.component)) this.queue.set(r.component, r);
      throw err;
    }
    return batch.length;
  }

  /**
   * Every round written since the last read (some again), all replicas' including this one's,
   * each with its age by the database's clock (the first read also returns rows written long ago).
   */
  async read(): Promise<(Report & { readonly ageMs: number })[]> {
    const { xmin, rows } = await withTransaction(this.pool, async (c) => {
      const x = await c.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
      const r = await c.query<{ component: string; replica: string; at: string; started_at: string; results: Report['results']; age_ms: number }>(
        `SELECT component, replica, at::text, started_at::text, results,
           greatest(0, extract(epoch FROM clock_timestamp() - written_at) * 1000)::float8 AS age_ms
         FROM cluster_results WHERE xid >= $1::xid8`,
        [this.from],
      );
      return { xmin: x.rows[0]!.xmin, rows: r.rows };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Moved on only once committed: a read that failed is read again.
    this.from = xmin;
    return rows.map((r) => ({ component: r.component, replica: r.replica, at: Number(r.at), startedAt: Number(r.started_at), results: r.results, ageMs: r.age_ms }));
  }

  /**
   * Deletes the rows of replicas that are no longer members and of components no longer
   * configured: the table stays at components x R rows.
   */
  async prune(members: readonly string[], components: readonly string[]): Promise<number> {
    const r = await this.pool.query(
      'DELETE FROM cluster_results WHERE NOT (replica = ANY($1::text[])) OR NOT (component = ANY($2::text[]))',
      [members, components],
    );
    return r.rowCount ?? 0;
  }
}
