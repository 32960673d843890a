/* The public incidents of the PostgreSQL store (version 3), as ../sqlite/public.ts: each write one transaction. */
import type pg from 'pg';
import type { PublicImpact, PublicIncident, PublicIncidentStore, PublicNote, PublicStatus, PublicUpdate } from '../public.js';
import { IncidentStateError } from '../store.js';
import type { Db } from './pool.js';

interface PublicRow {
  id: string; page: string; incident_id: number | null; title: string; impact: PublicImpact; status: PublicStatus;
  components: string; created_at: number; updated_at: number; resolved_at: number | null;
}
interface UpdateRow { incident: string; id: string; status: PublicStatus; body: string; at: number }

async function addUpdate(db: Db, id: string, u: PublicUpdate): Promise<void> {
  await db.query(`INSERT INTO public_updates (id, incident, seq, status, body, at)
    VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM public_updates WHERE incident = $2), $3, $4, $5)`, [u.id, id, u.status, u.body, u.at]);
  await db.query(`UPDATE public_incidents SET status = $2, updated_at = $3,
    resolved_at = CASE WHEN $2 = 'resolved' THEN $3::bigint ELSE NULL END WHERE id = $1`, [id, u.status, u.at]);
}

/** Writes a `public` timeline entry to an internal incident and logs it as a change, inside the caller's transaction. */
export type NoteWriter = (incidentId: number, note: PublicNote, at: number) => Promise<void>;
/**
 * Runs one write transaction in the incident-write order of the store (store.ts `write`), so a
 * public write and its note land together and never between a snapshot's read and its apply.
 */
export type PublicWrite = <T>(fn: (db: Db, note: NoteWriter) => Promise<T>) => Promise<T>;

export function postgresPublicIncidents(pool: pg.Pool, write: PublicWrite): PublicIncidentStore {
  /** Rows with their updates, read in one more query whatever their number. */
  const withUpdates = async (rows: readonly PublicRow[]): Promise<PublicIncident[]> => {
    const updates = rows.length === 0 ? [] : (await pool.query<UpdateRow>(
      'SELECT incident, id, status, body, at FROM public_updates WHERE incident = ANY($1::text[]) ORDER BY incident, seq', [rows.map((r) => r.id)])).rows;
    return rows.map((r) => ({
      id: r.id, page: r.page, incidentId: r.incident_id, title: r.title, impact: r.impact, status: r.status,
      components: JSON.parse(r.components) as string[], createdAt: r.created_at, updatedAt: r.updated_at, resolvedAt: r.resolved_at,
      updates: updates.filter((u) => u.incident === r.id).map(({ incident: _incident, ...u }) => u),
    }));
  };
  return {
    publish: (input) => write(async (db, note) => {
      await db.query(`INSERT INTO public_incidents (id, page, incident_id, title, impact, status, components, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [input.id, input.page, input.incidentId, input.title, input.impact, input.update.status, JSON.stringify([...input.components]), input.update.at]);
      await addUpdate(db, input.id, input.update);
      if (input.incidentId !== null && input.note) await note(input.incidentId, input.note, input.update.at);
    }),
    addPublicUpdate: (id, u, n) => write(async (db, note) => {
      const row = (await db.query<PublicRow>('SELECT * FROM public_incidents WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!row) throw new IncidentStateError(`no public incident ${id}`);
      if (row.resolved_at !== null) throw new IncidentStateError(`public incident ${id} is resolved`);
      await addUpdate(db, id, u);
      if (row.incident_id !== null && n) await note(row.incident_id, n, u.at);
    }),
    async getPublic(id) {
      const rows = (await pool.query<PublicRow>('SELECT * FROM public_incidents WHERE id = $1', [id])).rows;
      return (await withUpdates(rows))[0];
    },
    async listPublic(filter = {}) {
      const rows = (await pool.query<PublicRow>(`SELECT * FROM public_incidents
        WHERE ($1::text IS NULL OR page = $1) AND ($2::bigint IS NULL OR incident_id = $2)
          AND ($3::text IS NULL OR ($3 = 'open') = (resolved_at IS NULL))
        ORDER BY created_at DESC, n DESC LIMIT $4`, [filter.page ?? null, filter.incidentId ?? null, filter.state ?? null, filter.limit ?? 100])).rows;
      return withUpdates(rows);
    },
  };
}
