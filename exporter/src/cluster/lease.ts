import type pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction } from '../pg-connection.js';

/**
 * The fencing check, for a transaction on another pool (the PostgreSQL store): run it first with
 * [holder, token]; no row means the term is over and the transaction must roll back. FOR SHARE
 * holds the lease row until commit, so the next term cannot begin between this check and the write.
 */
export const FENCE_CHECK_SQL = `SELECT 1 FROM cluster_lease WHERE id = 1 AND holder = $1 AND token = $2 AND expires_at > clock_timestamp() FOR SHARE`;

/** What the check needs of a connection: any client in a transaction (the store's, on its own pool). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A fenced write was refused: this replica no longer holds the lease under its token. */
export class LeaseLost extends Error {
  constructor(readonly token: string) {
    super(`not the leader any more (fencing token ${token})`);
  }
}

export interface LeaseDeps {
  readonly pool: pg.Pool;
  readonly name: string;
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Monotonic ms (performance.now): a paused process sees the lease lapse the moment it wakes. */
  readonly monotonic: () => number;
}

/**
 * The leader lease: one row, taken when it has expired (by the database's clock), renewed by its
 * holder, each new term with a fencing token one higher than the last. Leadership is believed
 * locally only until ttl after the renewal was sent, so a process paused past its lease (SIGSTOP,
 * a long GC, a VM freeze) stops acting as leader as soon as it runs again, before it even asks.
 * Writes that must happen once go through fenced(), which checks the token in the same
 * transaction and holds the row, so the next term cannot begin between the check and the write.
 */
export class Lease {
  private held?: { token: string; validUntil: number };

  constructor(private readonly deps: LeaseDeps) {}

  isLeader(): boolean {
    return this.held !== undefined && this.deps.monotonic() < this.held.validUntil;
  }

  /** The current term's fencing token while leader. */
  token(): string | undefined {
    return this.isLeader() ? this.held!.token : undefined;
  }

  /** Renews the lease when held, takes it when it has expired; returns whether this replica leads. */
  async tick(): Promise<boolean> {
    const { pool, name, ttlMs } = this.deps;
    const sent = this.deps.monotonic();
    if (this.held && sent >= this.held.validUntil) this.lost('lease expired before it was renewed (process paused or database unreachable)');
    if (this.held) {
      const r = await pool.query<{ token: string }>(
        `UPDATE cluster_lease SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE id = 1 AND holder = $1 AND token = $2 AND expires_at > clock_timestamp() RETURNING token::text`,
        [name, this.held.token, ttlMs],
      );
      if (r.rows.length === 1) {
        this.held = { token: this.held.token, validUntil: sent + ttlMs };
        return true;
      }
      this.lost('renewal refused: another replica holds the lease now');
    }
    const r = await pool.query<{ token: string }>(
      `UPDATE cluster_lease SET holder = $1, token = token + 1, acquired_at = clock_timestamp(),
         expires_at = clock_timestamp() + $2 * interval '1 millisecond'
       WHERE id = 1 AND expires_at <= clock_timestamp() RETURNING token::text`,
      [name, ttlMs],
    );
    if (r.rows.length === 0) return false;
    this.held = { token: r.rows[0]!.token, validUntil: sent + ttlMs };
    this.deps.logger.info({ event: 'lease_acquired', replica: name, token: this.held.token }, `${name} leads the cluster (fencing token ${this.held.token})`);
    return true;
  }

  private lost(why: string): void {
    if (!this.held) return;
    this.deps.logger.warn({ event: 'lease_lost', replica: this.deps.name, token: this.held.token, why }, `${this.deps.name} lost the lease (fencing token ${this.held.token}): ${why}; leader-only work stops`);
    this.held = undefined;
  }

  /**
   * Runs `write` in a transaction only while the lease is held under this term's token, checked
   * (and the lease row share-locked) in that same transaction. Throws LeaseLost, after logging
   * that the write was refused, when the token is no longer the current one.
   */
  fenced<T>(what: string, write: (c: pg.PoolClient, token: string) => Promise<T>): Promise<T> {
    return withTransaction(this.deps.pool, async (c) => write(c, await this.check(c, what)));
  }

  /**
   * The fencing check inside a transaction the caller opened (the incident store's, on its own
   * pool): throws LeaseLost, logged, unless this replica still holds the lease under its token;
   * then the lease row stays share-locked until that transaction ends. Returns the token.
   */
  async check(c: Queryable, what: string): Promise<string> {
    const token = this.held?.token;
    if (token === undefined || !this.isLeader()) {
      if (this.held) this.lost('lease expired before it was renewed (process paused or database unreachable)');
      this.refused(what, token ?? 'none');
    }
    const ok = await c.query(FENCE_CHECK_SQL, [this.deps.name, token]);
    if (ok.rows.length === 0) {
      this.lost('the database refused the fencing token');
      this.refused(what, token);
    }
    return token;
  }

  private refused(what: string, token: string): never {
    this.deps.logger.warn({ event: 'fenced_write_refused', replica: this.deps.name, token, write: what }, `${this.deps.name} did not write ${what}: it no longer holds the lease (fencing token ${token})`);
    throw new LeaseLost(token);
  }

  /** A clean stop hands the lease over at once instead of after its expiry. */
  async release(): Promise<void> {
    if (!this.held) return;
    const token = this.held.token;
    this.held = undefined;
    await this.deps.pool.query(`UPDATE cluster_lease SET expires_at = '-infinity' WHERE id = 1 AND holder = $1 AND token = $2`, [this.deps.name, token]);
  }
}
