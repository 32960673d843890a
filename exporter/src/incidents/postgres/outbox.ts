/*
 * The sinks' outbox and change log on PostgreSQL: the queue rules of ../sqlite/outbox.ts, plus a
 * claim so that several processes working on one database never deliver the same change twice.
 *
 * A process takes due work by claiming the (sink, incident) rows of sink_state it will deliver,
 * `FOR UPDATE SKIP LOCKED` (another process's claim in progress is skipped, never waited for), and
 * marks them claimed_by itself until now + CLAIM_MS. Settling a delivery (delivered, retryLater,
 * failed) releases the claim; closing the store releases what is left. A process that dies
 * holding a claim delays that incident's queue for that sink until the claim runs out, and the
 * next process then finds the "sent" mark and looks before it creates (the sinks' own rule).
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { dueChange, toChange as changeOf, toDelivery, toEntry, toOutboxEntry, type ChangeRow, type DueRow, type EntryRow, type TimelineRow } from '../rows.js';
import type { ChangeKind, IncidentChange, RemoteState } from '../sink.js';
import type { Delivery, DeliveryKey, SinkOutbox } from '../store.js';
import { transaction, type Db } from './pool.js';

/**
 * How long a claim holds: a pass delivers at most 20 incidents one after another, each request
 * bounded by the sinks' 5 s timeout, so 100 s; 120 s leaves room. It is also the longest a queue
 * waits after its claimer died.
 */
export const CLAIM_MS = 120_000;

/** Due rows of a sink ($1) at $2: per incident its oldest (or newest) pending change, SQLite's rule. */
const dueWhere = (pick: 'min' | 'max') => `o.sink = $1 AND o.state = 'pending' AND o.next_attempt_at <= $2
    AND o.change_seq = (SELECT ${pick}(p.change_seq) FROM sink_outbox p WHERE p.sink = o.sink AND p.incident_id = o.incident_id AND p.state = 'pending')`;

/** Claims up to $3 incidents with due work not claimed by another process ($4 = this one, $5 = until). */
const claimSql = (pick: 'min' | 'max') => `
  WITH cand AS (
    SELECT s.incident_id FROM sink_outbox o
    JOIN sink_state s ON s.sink = o.sink AND s.incident_id = o.incident_id
    WHERE ${dueWhere(pick)} AND (s.claimed_until IS NULL OR s.claimed_until <= $2 OR s.claimed_by = $4)
    ORDER BY o.next_attempt_at, o.change_seq LIMIT $3
    FOR UPDATE OF s SKIP LOCKED)
  UPDATE sink_state s SET claimed_by = $4, claimed_until = $5 FROM cand
  WHERE s.sink = $1 AND s.incident_id = cand.incident_id RETURNING s.incident_id`;

const dueSql = (pick: 'min' | 'max') => `
  SELECT i.*, o.change_seq AS o_seq, o.attempts AS o_attempts, o.sent_at AS o_sent_at,
         c.kind AS c_kind, c.at AS c_at, c.entries_after AS c_after, c.entries_last AS c_last,
         s.ref AS s_ref, s.sent_at AS s_sent_at
  FROM sink_outbox o
  JOIN incident_changes c ON c.seq = o.change_seq
  JOIN incidents i ON i.id = o.incident_id
  JOIN sink_state s ON s.sink = o.sink AND s.incident_id = o.incident_id
  WHERE ${dueWhere(pick)} AND o.incident_id = ANY($3::bigint[])
  ORDER BY o.next_attempt_at, o.change_seq`;

const RELEASE = 'UPDATE sink_state SET claimed_by = NULL, claimed_until = NULL WHERE sink = $1 AND incident_id = $2 AND claimed_by = $3';

export interface PostgresOutbox {
  readonly api: SinkOutbox;
  /** Highest timeline seq so far, read under the incident-write lock. */
  timelineMark(db: Db): Promise<number>;
  /** Inside a mutation's transaction: logs the change and queues it for every sink. */
  record(db: Db, incidentId: number, kind: ChangeKind, at: number, entriesAfter: number): Promise<void>;
  /** Gives back every claim this process holds (at close). */
  releaseClaims(): Promise<void>;
}

export function postgresOutbox(pool: pg.Pool, sinks: readonly string[]): PostgresOutbox {
  /** This store's claims; a new one per open, so a restarted process does not mistake old claims for its own. */
  const me = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const entries = async (db: pg.Pool | Db, r: ChangeRow) =>
    (await db.query<TimelineRow>('SELECT * FROM timeline WHERE incident_id = $1 AND seq > $2 AND seq <= $3 ORDER BY at, seq', [r.incident_id, r.entries_after, r.entries_last])).rows.map(toEntry);
  const toChange = async (db: pg.Pool | Db, r: ChangeRow): Promise<IncidentChange> => changeOf(r, await entries(db, r));
  const settle = (k: DeliveryKey, fn: (db: Db) => Promise<void>) => transaction(pool, async (db) => {
    await fn(db);
    await db.query(RELEASE, [k.sink, k.incidentId, me]);
  });
  const attempted = `UPDATE sink_outbox SET attempts = attempts + 1, last_error = $4 WHERE sink = $1 AND incident_id = $2 AND change_seq <= $3 AND state = 'pending'`;

  const api: SinkOutbox = {
    async dueDeliveries(sink, { coalesce, now, limit = 20 }) {
      const pick = coalesce ? 'max' : 'min';
      return transaction(pool, async (db) => {
        const claimed = (await db.query<{ incident_id: number }>(claimSql(pick), [sink, now, limit, me, now + CLAIM_MS])).rows.map((r) => r.incident_id);
        if (claimed.length === 0) return [];
        const rows = (await db.query<DueRow>(dueSql(pick), [sink, now, claimed])).rows;
        const out: Delivery[] = [];
        for (const r of rows) out.push(toDelivery(sink, r, await toChange(db, dueChange(r))));
        return out;
      });
    },
    async nextDeliveryAt(sink) {
      // Another process's claim holds that queue until the claim runs out: not sooner.
      const r = await pool.query<{ t: number | null }>(`SELECT min(GREATEST(o.next_attempt_at, CASE WHEN s.claimed_by IS DISTINCT FROM $2 THEN coalesce(s.claimed_until, 0) ELSE 0 END)) AS t
        FROM sink_outbox o LEFT JOIN sink_state s ON s.sink = o.sink AND s.incident_id = o.incident_id
        WHERE o.sink = $1 AND o.state = 'pending'`, [sink, me]);
      return r.rows[0]?.t ?? undefined;
    },
    markSent: (k, at) => transaction(pool, async (db) => {
      await db.query('UPDATE sink_outbox SET sent_at = coalesce(sent_at, $3) WHERE sink = $1 AND change_seq = $2', [k.sink, k.seq, at]);
      await db.query(`INSERT INTO sink_state (sink, incident_id, sent_at) VALUES ($1, $2, $3)
        ON CONFLICT (sink, incident_id) DO UPDATE SET sent_at = coalesce(sink_state.sent_at, excluded.sent_at)`, [k.sink, k.incidentId, at]);
    }),
    delivered: (k, ref) => settle(k, async (db) => {
      await db.query("DELETE FROM sink_outbox WHERE sink = $1 AND incident_id = $2 AND change_seq <= $3 AND state = 'pending'", [k.sink, k.incidentId, k.seq]);
      if (ref !== undefined) {
        await db.query(`INSERT INTO sink_state (sink, incident_id, ref) VALUES ($1, $2, $3)
          ON CONFLICT (sink, incident_id) DO UPDATE SET ref = excluded.ref`, [k.sink, k.incidentId, ref]);
      }
    }),
    retryLater: (k, error, next) => settle(k, async (db) => {
      await db.query(attempted, [k.sink, k.incidentId, k.seq, error.slice(0, 500)]);
      await db.query("UPDATE sink_outbox SET next_attempt_at = $3 WHERE sink = $1 AND incident_id = $2 AND state = 'pending'", [k.sink, k.incidentId, next]);
    }),
    failed: (k, error) => settle(k, async (db) => {
      await db.query(`UPDATE sink_outbox SET state = 'failed', attempts = attempts + 1, last_error = $4
        WHERE sink = $1 AND incident_id = $2 AND change_seq <= $3 AND state = 'pending'`, [k.sink, k.incidentId, k.seq, error.slice(0, 500)]);
    }),
    async remoteState(sink, incidentId): Promise<RemoteState> {
      const r = (await pool.query<{ ref: string | null; sent_at: number | null }>('SELECT ref, sent_at FROM sink_state WHERE sink = $1 AND incident_id = $2', [sink, incidentId])).rows[0];
      return { ref: r?.ref ?? null, sentAt: r?.sent_at ?? null };
    },
    async outbox(filter = {}) {
      const rows = filter.sink === undefined
        ? (await pool.query<EntryRow>('SELECT * FROM sink_outbox ORDER BY change_seq, sink')).rows
        : (await pool.query<EntryRow>('SELECT * FROM sink_outbox WHERE sink = $1 ORDER BY change_seq', [filter.sink])).rows;
      return rows.map(toOutboxEntry);
    },
    async changes(incidentId) {
      const rows = (await pool.query<ChangeRow>('SELECT * FROM incident_changes WHERE incident_id = $1 ORDER BY seq', [incidentId])).rows;
      const out: IncidentChange[] = [];
      for (const r of rows) out.push(await toChange(pool, r));
      return out;
    },
  };

  return {
    api,
    async timelineMark(db) {
      return (await db.query<{ m: number | null }>('SELECT max(seq) AS m FROM timeline')).rows[0]?.m ?? 0;
    },
    async record(db, incidentId, kind, at, entriesAfter) {
      const { rows } = await db.query<{ seq: number }>(`INSERT INTO incident_changes (incident_id, kind, at, entries_after, entries_last)
        VALUES ($1, $2, $3, $4, (SELECT coalesce(max(seq), 0) FROM timeline)) RETURNING seq`, [incidentId, kind, at, entriesAfter]);
      const seq = rows[0]!.seq;
      for (const sink of sinks) {
        await db.query("UPDATE sink_outbox SET next_attempt_at = $3, attempts = 0 WHERE sink = $1 AND incident_id = $2 AND state = 'pending'", [sink, incidentId, at]);
        await db.query('INSERT INTO sink_outbox (sink, change_seq, incident_id, next_attempt_at) VALUES ($1, $2, $3, $4)', [sink, seq, incidentId, at]);
        // The row a claim locks: there before any process looks for due work.
        await db.query('INSERT INTO sink_state (sink, incident_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [sink, incidentId]);
      }
    },
    async releaseClaims() {
      await pool.query('UPDATE sink_state SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1', [me]);
    },
  };
}
