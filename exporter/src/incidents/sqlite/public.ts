/* The public incidents of the SQLite store (migration 3): each write one transaction. */
import type Database from 'better-sqlite3';
import type { PublicImpact, PublicIncident, PublicIncidentStore, PublicNote, PublicStatus, PublicUpdate, PublishInput } from '../public.js';
import { IncidentStateError } from '../store.js';

interface PublicRow {
  id: string; page: string; incident_id: number | null; title: string; impact: PublicImpact; status: PublicStatus;
  components: string; created_at: number; updated_at: number; resolved_at: number | null;
}
interface UpdateRow { id: string; status: PublicStatus; body: string; at: number }

/** Writes a `public` timeline entry to an internal incident and logs it as a change, inside the caller's transaction. */
export type NoteWriter = (incidentId: number, note: PublicNote, at: number) => void;

export function sqlitePublicIncidents(db: Database.Database, note: NoteWriter): PublicIncidentStore {
  const q = {
    insert: db.prepare(`INSERT INTO public_incidents (id, page, incident_id, title, impact, status, components, created_at, updated_at)
      VALUES (@id, @page, @incident_id, @title, @impact, @status, @components, @at, @at)`),
    update: db.prepare(`INSERT INTO public_updates (id, incident, seq, status, body, at)
      VALUES (@id, @incident, (SELECT COALESCE(MAX(seq), 0) + 1 FROM public_updates WHERE incident = @incident), @status, @body, @at)`),
    setStatus: db.prepare(`UPDATE public_incidents SET status = @status, updated_at = @at,
      resolved_at = CASE WHEN @status = 'resolved' THEN @at ELSE NULL END WHERE id = @id`),
    get: db.prepare<[string], PublicRow>('SELECT * FROM public_incidents WHERE id = ?'),
    updates: db.prepare<[string], UpdateRow>('SELECT id, status, body, at FROM public_updates WHERE incident = ? ORDER BY seq'),
    list: db.prepare<{ page: string | null; incident: number | null; state: string | null; limit: number }, PublicRow>(`SELECT * FROM public_incidents
      WHERE (@page IS NULL OR page = @page) AND (@incident IS NULL OR incident_id = @incident)
        AND (@state IS NULL OR (@state = 'open') = (resolved_at IS NULL))
      ORDER BY created_at DESC, rowid DESC LIMIT @limit`),
  };
  const toPublic = (r: PublicRow): PublicIncident => ({
    id: r.id, page: r.page, incidentId: r.incident_id, title: r.title, impact: r.impact, status: r.status,
    components: JSON.parse(r.components) as string[], createdAt: r.created_at, updatedAt: r.updated_at, resolvedAt: r.resolved_at,
    updates: q.updates.all(r.id),
  });
  const addUpdate = (id: string, u: PublicUpdate) => {
    q.update.run({ id: u.id, incident: id, status: u.status, body: u.body, at: u.at });
    q.setStatus.run({ id, status: u.status, at: u.at });
  };
  const publishTx = db.transaction((input: PublishInput) => {
    q.insert.run({
      id: input.id, page: input.page, incident_id: input.incidentId, title: input.title, impact: input.impact,
      status: input.update.status, components: JSON.stringify([...input.components]), at: input.update.at,
    });
    addUpdate(input.id, input.update);
    if (input.incidentId !== null && input.note) note(input.incidentId, input.note, input.update.at);
  });
  const updateTx = db.transaction((id: string, u: PublicUpdate, n?: PublicNote) => {
    const row = q.get.get(id);
    if (!row) throw new IncidentStateError(`no public incident ${id}`);
    if (row.resolved_at !== null) throw new IncidentStateError(`public incident ${id} is resolved`);
    addUpdate(id, u);
    if (row.incident_id !== null && n) note(row.incident_id, n, u.at);
  });
  return {
    publish: async (input) => publishTx(input),
    addPublicUpdate: async (id, u, n) => updateTx(id, u, n),
    async getPublic(id) {
      const row = q.get.get(id);
      return row ? toPublic(row) : undefined;
    },
    async listPublic(filter = {}) {
      return q.list.all({ page: filter.page ?? null, incident: filter.incidentId ?? null, state: filter.state ?? null, limit: filter.limit ?? 100 }).map(toPublic);
    },
  };
}
