import type pg from 'pg';

export type CheckerEvent = 'checker_unhealthy' | 'checker_healthy';

/**
 * Records a checker's health change once for the whole cluster, inside the leader's fenced
 * transaction: only when the last recorded event for that replica is a different one (a replica
 * never recorded counts as healthy). Returns whether it was recorded, i.e. whether to say so: a new
 * leader after a failover does not repeat what the former one already said.
 */
export async function recordCheckerEvent(c: pg.PoolClient, token: string, holder: string, replica: string, kind: CheckerEvent, detail: object): Promise<boolean> {
  const r = await c.query(
    `INSERT INTO cluster_events (token, holder, kind, replica, detail)
     SELECT $1, $2, $3, $4, $5
     WHERE COALESCE((SELECT kind FROM cluster_events WHERE replica = $4 AND kind LIKE 'checker_%' ORDER BY id DESC LIMIT 1), 'checker_healthy') <> $3`,
    [token, holder, kind, replica, JSON.stringify(detail)],
  );
  return (r.rowCount ?? 0) === 1;
}

/** The replicas whose last recorded checker event says unhealthy: what a new leader starts from. */
export async function announcedUnhealthy(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ replica: string }>(
    `SELECT replica FROM (SELECT DISTINCT ON (replica) replica, kind FROM cluster_events
       WHERE kind LIKE 'checker_%' ORDER BY replica, id DESC) last WHERE kind = 'checker_unhealthy'`,
  );
  return new Set(rows.map((r) => r.replica));
}
