import type pg from 'pg';

export interface Member {
  readonly name: string;
  readonly location: string;
  /** Epoch ms of its last heartbeat, by the database's clock. */
  readonly lastSeen: number;
  /** Seen within the dead-after time. */
  readonly live: boolean;
}

/**
 * The replica registry: each replica writes a heartbeat row (name, location, last seen); the
 * members are the rows seen recently. Times are the database's, so replicas' clocks may differ.
 */
export class Registry {
  constructor(private readonly pool: pg.Pool, private readonly name: string, private readonly location: string) {}

  async heartbeat(): Promise<void> {
    await this.pool.query(
      `INSERT INTO cluster_replicas (name, location, started_at, last_seen) VALUES ($1, $2, clock_timestamp(), clock_timestamp())
       ON CONFLICT (name) DO UPDATE SET location = excluded.location, last_seen = clock_timestamp()`,
      [this.name, this.location],
    );
  }

  /** Every known replica, live or not, by name. */
  async members(deadAfterMs: number): Promise<Member[]> {
    const { rows } = await this.pool.query<{ name: string; location: string; last_seen_ms: number; live: boolean }>(
      `SELECT name, location, CASE WHEN isfinite(last_seen) THEN extract(epoch FROM last_seen) * 1000 ELSE 0 END::float8 AS last_seen_ms,
         last_seen > clock_timestamp() - $1 * interval '1 millisecond' AS live
       FROM cluster_replicas ORDER BY name`,
      [deadAfterMs],
    );
    return rows.map((r) => ({ name: r.name, location: r.location, lastSeen: r.last_seen_ms, live: r.live }));
  }

  /** A clean stop: the others rebalance at their next look instead of after the dead-after time. */
  async leave(): Promise<void> {
    await this.pool.query(`UPDATE cluster_replicas SET last_seen = '-infinity' WHERE name = $1`, [this.name]);
  }

  /** Forgets replicas silent for longer than `olderThanMs` (their up series goes with them). */
  async prune(olderThanMs: number): Promise<number> {
    const r = await this.pool.query(`DELETE FROM cluster_replicas WHERE last_seen < clock_timestamp() - $1 * interval '1 millisecond'`, [olderThanMs]);
    return r.rowCount ?? 0;
  }
}
