/*
 * The SQLite maintenance store: tables of migration v4 in data_dir/incidents.db (WAL). Its own
 * connection: the incident store owns the other, and neither reads the other's tables.
 */
import { DB_FILE } from '../../incidents/sqlite/store.js';
import { openMigratedDatabase } from '../../incidents/sqlite/migrations.js';
import { componentsJson, toEnding, toPending, toWindow, type AnnotationRow, type EndingRow, type WindowRow } from '../rows.js';
import { WindowExistsError, type MaintenanceStore } from '../store.js';

export function openMaintenanceStore(opts: { readonly dataDir: string }): MaintenanceStore {
  const db = openMigratedDatabase(opts.dataDir, DB_FILE);
  const q = {
    insert: db.prepare(`INSERT INTO maintenance_windows (id, title, description, components, starts_at, ends_at, recover_after, author, created_at)
      VALUES (@id, @title, @description, @components, @startMs, @endMs, @recoverAfter, @author, @createdAt)`),
    get: db.prepare<[string], WindowRow>('SELECT * FROM maintenance_windows WHERE id = ?'),
    since: db.prepare<[number], WindowRow>('SELECT * FROM maintenance_windows WHERE ends_at > ? ORDER BY starts_at, id'),
    end: db.prepare('INSERT INTO maintenance_endings (window_id, starts_at, ended_at, reason, author) VALUES (@windowId, @startMs, @endedAt, @reason, @author) ON CONFLICT DO NOTHING'),
    endings: db.prepare<[number], EndingRow>('SELECT * FROM maintenance_endings WHERE ended_at >= ? ORDER BY ended_at, window_id'),
    queue: db.prepare(`INSERT INTO maintenance_annotations (window_id, starts_at, body, version, next_attempt_at) VALUES (@windowId, @startMs, @body, 1, @at)
      ON CONFLICT (window_id, starts_at) DO UPDATE SET body = excluded.body, version = version + 1, attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = NULL`),
    due: db.prepare<[number, number], AnnotationRow>(
      'SELECT window_id, starts_at, body, version, attempts, ref, sent_at FROM maintenance_annotations WHERE version > synced_version AND next_attempt_at <= ? ORDER BY next_attempt_at, window_id LIMIT ?'),
    sent: db.prepare('UPDATE maintenance_annotations SET sent_at = ? WHERE window_id = ? AND starts_at = ?'),
    delivered: db.prepare('UPDATE maintenance_annotations SET synced_version = MAX(synced_version, @version), ref = @ref, attempts = 0, last_error = NULL WHERE window_id = @windowId AND starts_at = @startMs'),
    failed: db.prepare('UPDATE maintenance_annotations SET attempts = attempts + 1, last_error = @error, next_attempt_at = @nextAt WHERE window_id = @windowId AND starts_at = @startMs'),
  };
  return {
    async create(w) {
      try {
        q.insert.run({ ...w, description: w.description ?? null, components: componentsJson(w.components), recoverAfter: w.recoverAfter ?? null });
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new WindowExistsError(w.id);
        throw e;
      }
    },
    async get(id) {
      const r = q.get.get(id);
      return r ? toWindow(r) : undefined;
    },
    async windows(since) {
      return q.since.all(since).map(toWindow);
    },
    async end(e) {
      return q.end.run(e).changes === 1;
    },
    async endings(since) {
      return q.endings.all(since).map(toEnding);
    },
    async queueAnnotation(a) {
      q.queue.run(a);
    },
    async dueAnnotations(now, limit) {
      return q.due.all(now, limit).map(toPending);
    },
    async annotationSent(windowId, startMs, at) {
      q.sent.run(at, windowId, startMs);
    },
    async annotationDelivered(windowId, startMs, version, ref) {
      q.delivered.run({ windowId, startMs, version, ref });
    },
    async annotationFailed(windowId, startMs, error, nextAt) {
      q.failed.run({ windowId, startMs, error, nextAt });
    },
    async close() {
      db.close();
    },
  };
}
