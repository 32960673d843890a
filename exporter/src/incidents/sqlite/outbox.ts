/*
 * The sinks' outbox and change log on SQLite. `record` runs inside the store's mutation
 * transactions; the rest serve the outbox worker, one statement or one transaction each.
 *
 * Queue rules (per sink, per incident): a new change restarts the backoff of the incident's pending
 * changes (it retries now, attempts back to 0), and a failed attempt delays all of them together,
 * so they stay one queue that is due as a whole and delivered in order.
 */
import type Database from 'better-sqlite3';
import type { ChangeKind, IncidentChange, RemoteState } from '../sink.js';
import type { DeliveryKey, SinkOutbox } from '../store.js';
import { dueChange, toChange as changeOf, toDelivery, toEntry, toOutboxEntry, type ChangeRow, type DueRow, type EntryRow, type TimelineRow } from '../rows.js';


export interface SqliteOutbox extends SinkOutbox {
  /** Highest timeline seq so far: a change's entries are the ones written after it. */
  timelineMark(): number;
  /** Inside a mutation's transaction: logs the change and queues it for every sink. */
  record(incidentId: number, kind: ChangeKind, at: number, entriesAfter: number): void;
}

const dueSql = (pick: 'min' | 'max') => `
  SELECT i.*, o.change_seq AS o_seq, o.attempts AS o_attempts, o.sent_at AS o_sent_at,
         c.kind AS c_kind, c.at AS c_at, c.entries_after AS c_after, c.entries_last AS c_last,
         s.ref AS s_ref, s.sent_at AS s_sent_at
  FROM sink_outbox o
  JOIN incident_changes c ON c.seq = o.change_seq
  JOIN incidents i ON i.id = o.incident_id
  LEFT JOIN sink_state s ON s.sink = o.sink AND s.incident_id = o.incident_id
  WHERE o.sink = @sink AND o.state = 'pending' AND o.next_attempt_at <= @now
    AND o.change_seq = (SELECT ${pick}(p.change_seq) FROM sink_outbox p
                        WHERE p.sink = o.sink AND p.incident_id = o.incident_id AND p.state = 'pending')
  ORDER BY o.next_attempt_at, o.change_seq LIMIT @limit`;

export function sqliteOutbox(db: Database.Database, sinks: readonly string[]): SqliteOutbox {
  const q = {
    mark: db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM timeline'),
    change: db.prepare(`INSERT INTO incident_changes (incident_id, kind, at, entries_after, entries_last)
      VALUES (@id, @kind, @at, @after, (SELECT coalesce(max(seq), 0) FROM timeline))`),
    restart: db.prepare("UPDATE sink_outbox SET next_attempt_at = @at, attempts = 0 WHERE sink = @sink AND incident_id = @id AND state = 'pending'"),
    enqueue: db.prepare('INSERT INTO sink_outbox (sink, change_seq, incident_id, next_attempt_at) VALUES (@sink, @seq, @id, @at)'),
    dueOldest: db.prepare<{ sink: string; now: number; limit: number }, DueRow>(dueSql('min')),
    dueNewest: db.prepare<{ sink: string; now: number; limit: number }, DueRow>(dueSql('max')),
    entries: db.prepare<[number, number, number], TimelineRow>('SELECT * FROM timeline WHERE incident_id = ? AND seq > ? AND seq <= ? ORDER BY at, seq'),
    next: db.prepare<[string], { t: number | null }>("SELECT min(next_attempt_at) AS t FROM sink_outbox WHERE sink = ? AND state = 'pending'"),
    sentRow: db.prepare('UPDATE sink_outbox SET sent_at = coalesce(sent_at, @at) WHERE sink = @sink AND change_seq = @seq'),
    sentState: db.prepare(`INSERT INTO sink_state (sink, incident_id, sent_at) VALUES (@sink, @id, @at)
      ON CONFLICT (sink, incident_id) DO UPDATE SET sent_at = coalesce(sent_at, excluded.sent_at)`),
    done: db.prepare("DELETE FROM sink_outbox WHERE sink = @sink AND incident_id = @id AND change_seq <= @seq AND state = 'pending'"),
    ref: db.prepare(`INSERT INTO sink_state (sink, incident_id, ref) VALUES (@sink, @id, @ref)
      ON CONFLICT (sink, incident_id) DO UPDATE SET ref = excluded.ref`),
    attempted: db.prepare(`UPDATE sink_outbox SET attempts = attempts + 1, last_error = @error
      WHERE sink = @sink AND incident_id = @id AND change_seq <= @seq AND state = 'pending'`),
    delay: db.prepare("UPDATE sink_outbox SET next_attempt_at = @next WHERE sink = @sink AND incident_id = @id AND state = 'pending'"),
    giveUp: db.prepare(`UPDATE sink_outbox SET state = 'failed', attempts = attempts + 1, last_error = @error
      WHERE sink = @sink AND incident_id = @id AND change_seq <= @seq AND state = 'pending'`),
    state: db.prepare<[string, number], { ref: string | null; sent_at: number | null }>('SELECT ref, sent_at FROM sink_state WHERE sink = ? AND incident_id = ?'),
    rows: db.prepare<[], EntryRow>('SELECT * FROM sink_outbox ORDER BY change_seq, sink'),
    rowsOf: db.prepare<[string], EntryRow>('SELECT * FROM sink_outbox WHERE sink = ? ORDER BY change_seq'),
    changes: db.prepare<[number], ChangeRow>('SELECT * FROM incident_changes WHERE incident_id = ? ORDER BY seq'),
  };

  const toChange = (r: ChangeRow): IncidentChange => changeOf(r, q.entries.all(r.incident_id, r.entries_after, r.entries_last).map(toEntry));
  const keyParams = (k: DeliveryKey) => ({ sink: k.sink, id: k.incidentId, seq: k.seq });
  const markTx = db.transaction((k: DeliveryKey, at: number) => {
    q.sentRow.run({ ...keyParams(k), at });
    q.sentState.run({ ...keyParams(k), at });
  });
  const doneTx = db.transaction((k: DeliveryKey, ref: string | undefined) => {
    q.done.run(keyParams(k));
    if (ref !== undefined) q.ref.run({ ...keyParams(k), ref });
  });
  const retryTx = db.transaction((k: DeliveryKey, error: string, next: number) => {
    q.attempted.run({ ...keyParams(k), error: error.slice(0, 500) });
    q.delay.run({ ...keyParams(k), next });
  });

  return {
    timelineMark: () => q.mark.get()?.m ?? 0,
    record(incidentId, kind, at, entriesAfter) {
      const seq = Number(q.change.run({ id: incidentId, kind, at, after: entriesAfter }).lastInsertRowid);
      for (const sink of sinks) {
        q.restart.run({ sink, id: incidentId, at });
        q.enqueue.run({ sink, seq, id: incidentId, at });
      }
    },
    async dueDeliveries(sink, { coalesce, now, limit = 20 }) {
      return (coalesce ? q.dueNewest : q.dueOldest).all({ sink, now, limit }).map((r) => toDelivery(sink, r, toChange(dueChange(r))));
    },
    async nextDeliveryAt(sink) {
      return q.next.get(sink)?.t ?? undefined;
    },
    async markSent(key, at) { markTx(key, at); },
    async delivered(key, ref) { doneTx(key, ref); },
    async retryLater(key, error, nextAttemptAt) { retryTx(key, error, nextAttemptAt); },
    async failed(key, error) { q.giveUp.run({ ...keyParams(key), error: error.slice(0, 500) }); },
    async remoteState(sink, incidentId): Promise<RemoteState> {
      const r = q.state.get(sink, incidentId);
      return { ref: r?.ref ?? null, sentAt: r?.sent_at ?? null };
    },
    async outbox(filter = {}) {
      const rows = filter.sink === undefined ? q.rows.all() : q.rowsOf.all(filter.sink);
      return rows.map(toOutboxEntry);
    },
    async changes(incidentId) {
      return q.changes.all(incidentId).map(toChange);
    },
  };
}
