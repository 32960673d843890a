/*
 * The PostgreSQL maintenance store: the tables of store migration v4 in the incident store's
 * database (store.kind: postgres), so every replica sees the same ad hoc windows, early ends and
 * annotation queue. Its own small pool: the incident store owns the other, and neither reads the
 * other's tables. Same contract as SQLite's (exporter/test/maintenance/store-contract.ts).
 */
import type { Logger } from 'pino';
import { migratePostgres } from '../../incidents/postgres/migrations.js';
import { createPool } from '../../incidents/postgres/pool.js';
import { componentsJson, toEnding, toPending, toWindow, type AnnotationRow, type EndingRow, type WindowRow } from '../rows.js';
import { WindowExistsError, type MaintenanceStore } from '../store.js';

const SQL = {
  insert: `INSERT INTO maintenance_windows (id, title, description, components, starts_at, ends_at, recover_after, author, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  since: 'SELECT * FROM maintenance_windows WHERE ends_at > $1 ORDER BY starts_at, id',
  end: `INSERT INTO maintenance_endings (window_id, starts_at, ended_at, reason, author) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT DO NOTHING`,
  endings: 'SELECT * FROM maintenance_endings WHERE ended_at >= $1 ORDER BY ended_at, window_id',
  // One statement: two replicas queueing the same occurrence at once both count (version + 1 each).
  queue: `INSERT INTO maintenance_annotations AS a (window_id, starts_at, body, version, next_attempt_at) VALUES ($1, $2, $3, 1, $4)
    ON CONFLICT (window_id, starts_at) DO UPDATE SET body = excluded.body, version = a.version + 1, attempts = 0,
      next_attempt_at = excluded.next_attempt_at, last_error = NULL`,
  due: `SELECT window_id, starts_at, body, version, attempts, ref, sent_at FROM maintenance_annotations
    WHERE version > synced_version AND next_attempt_at <= $1 ORDER BY next_attempt_at, window_id LIMIT $2`,
  sent: 'UPDATE maintenance_annotations SET sent_at = $3 WHERE window_id = $1 AND starts_at = $2',
  delivered: `UPDATE maintenance_annotations SET synced_version = GREATEST(synced_version, $3), ref = $4, attempts = 0, last_error = NULL
    WHERE window_id = $1 AND starts_at = $2`,
  failed: 'UPDATE maintenance_annotations SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4 WHERE window_id = $1 AND starts_at = $2',
} as const;

/** PostgreSQL's unique_violation: the id is taken. */
const UNIQUE_VIOLATION = '23505';

export interface PostgresMaintenanceOptions {
  /** A secret: never logged or shown. */
  readonly dsn: string;
  readonly logger: Logger;
}

/** Connects and migrates (under the migration lock, as the incident store); the pool is closed if that fails. */
export async function openPostgresMaintenanceStore(opts: PostgresMaintenanceOptions): Promise<MaintenanceStore> {
  // Two connections: the service writes a window or an ending at a time and the annotation
  // queue one delivery at a time.
  const pool = createPool({ dsn: opts.dsn, logger: opts.logger, max: 2 });
  try {
    await migratePostgres(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  const run = async (sql: string, params: unknown[]): Promise<number> => (await pool.query(sql, params)).rowCount ?? 0;
  let closed: Promise<void> | undefined;
  return {
    async create(w) {
      try {
        await run(SQL.insert, [w.id, w.title, w.description ?? null, componentsJson(w.components), w.startMs, w.endMs,
          w.recoverAfter ?? null, w.author, w.createdAt]);
      } catch (e) {
        if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw new WindowExistsError(w.id);
        throw e;
      }
    },
    async get(id) {
      const r = (await pool.query<WindowRow>('SELECT * FROM maintenance_windows WHERE id = $1', [id])).rows[0];
      return r ? toWindow(r) : undefined;
    },
    windows: async (since) => (await pool.query<WindowRow>(SQL.since, [since])).rows.map(toWindow),
    end: async (e) => (await run(SQL.end, [e.windowId, e.startMs, e.endedAt, e.reason, e.author])) === 1,
    endings: async (since) => (await pool.query<EndingRow>(SQL.endings, [since])).rows.map(toEnding),
    async queueAnnotation(a) {
      await run(SQL.queue, [a.windowId, a.startMs, a.body, a.at]);
    },
    dueAnnotations: async (now, limit) => (await pool.query<AnnotationRow>(SQL.due, [now, limit])).rows.map(toPending),
    async annotationSent(windowId, startMs, at) {
      await run(SQL.sent, [windowId, startMs, at]);
    },
    async annotationDelivered(windowId, startMs, version, ref) {
      await run(SQL.delivered, [windowId, startMs, version, ref]);
    },
    async annotationFailed(windowId, startMs, error, nextAt) {
      await run(SQL.failed, [windowId, startMs, error, nextAt]);
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}
