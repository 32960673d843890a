/*
 * The SQLite incident store (WAL) under data_dir. Every mutation is one transaction that also logs
 * the change and queues it for every enabled sink (outbox.ts).
 */
import path from 'node:path';
import { formatDuration } from '../format.js';
import type { ChangeKind } from '../sink.js';
import { IncidentStateError, type IncidentStore, type ManualIncidentInput } from '../store.js';
import type { Action, IncidentRef, TimelineEntry, UpdateStatus } from '../types.js';
import { openMigratedDatabase } from './migrations.js';
import { sqliteOutbox } from './outbox.js';
import { sqlitePublicIncidents } from './public.js';
import { entryColumns, joinMembers, manualOpenedEntry, resolvedEntry, updateEntry, membersOf, sortedJson, toEntry, toIncident, touchedKind, type IncidentRow, type Members, type TimelineRow } from '../rows.js';

export const DB_FILE = 'incidents.db';

export interface SqliteStoreOptions {
  readonly dataDir: string;
  /** Names of the enabled sinks: each change is queued for each (see IncidentStore.sinks). */
  readonly sinks: readonly string[];
}

export function openIncidentStore(opts: SqliteStoreOptions): IncidentStore {
  const file = path.join(opts.dataDir, DB_FILE);
  const db = openMigratedDatabase(opts.dataDir, DB_FILE);

  const q = {
    get: db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE id = ?'),
    // By time: a state change is stamped when it happened, which can be just before the snapshot
    // that opened the incident; insertion order breaks ties.
    timeline: db.prepare<[number], TimelineRow>('SELECT * FROM timeline WHERE incident_id = ? ORDER BY at, seq'),
    open: db.prepare<[], IncidentRow>('SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY id'),
    idOf: db.prepare<[number], { id: number }>('SELECT id FROM incidents WHERE id = ?'),
    idByRoot: db.prepare<[string], { id: number }>("SELECT id FROM incidents WHERE source = 'auto' AND resolved_at IS NULL AND root_cause = ?"),
    openCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM incidents WHERE resolved_at IS NULL'),
    listAll: db.prepare<[number], IncidentRow>('SELECT * FROM incidents ORDER BY started_at DESC, id DESC LIMIT ?'),
    listOpen: db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY started_at DESC, id DESC LIMIT ?'),
    listResolved: db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE resolved_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT ?'),
    insert: db.prepare(`INSERT INTO incidents (title, source, root_cause, severity, status, components, blast_radius, took_down, started_at, updated_at)
      VALUES (@title, @source, @root_cause, @severity, 'investigating', @components, @blast_radius, @took_down, @at, @at)`),
    setMembers: db.prepare('UPDATE incidents SET components = @components, blast_radius = @blast_radius, took_down = @took_down, updated_at = @at WHERE id = @id'),
    setSeverity: db.prepare('UPDATE incidents SET severity = @severity, updated_at = @at WHERE id = @id'),
    setStatus: db.prepare('UPDATE incidents SET status = @status, updated_at = @at WHERE id = @id'),
    touch: db.prepare('UPDATE incidents SET updated_at = @at WHERE id = @id'),
    resolve: db.prepare("UPDATE incidents SET status = 'resolved', resolved_at = @at, updated_at = @at WHERE id = @id AND resolved_at IS NULL"),
    entry: db.prepare(`INSERT INTO timeline (incident_id, at, kind, author, text, component, from_state, to_state, status)
      VALUES (@id, @at, @kind, @author, @text, @component, @from, @to, @status)`),
  };

  const addEntry = (id: number, e: TimelineEntry): void => {
    q.entry.run(entryColumns(id, e));
  };
  const outbox = sqliteOutbox(db, opts.sinks);
  const mustGetOpen = (id: number): IncidentRow => {
    const row = q.get.get(id);
    if (!row) throw new IncidentStateError(`no incident ${id}`);
    if (row.resolved_at !== null) throw new IncidentStateError(`incident ${id} is resolved`);
    return row;
  };
  const resolveRef = (ref: IncidentRef): number | undefined =>
    ('id' in ref ? q.idOf.get(ref.id) : q.idByRoot.get(ref.root))?.id;

  const applyTx = db.transaction((actions: readonly Action[], now: number): number[] => {
    const mark = outbox.timelineMark();
    // Insertion order: the change log lists a snapshot's incidents in the order they were touched.
    const touched = new Map<number, ChangeKind>();
    // Member lists of incidents joined in this transaction, parsed once however many join.
    const members = new Map<number, Members>();
    for (const a of actions) {
      if (a.type === 'open') {
        const info = q.insert.run({
          title: a.title, source: 'auto', root_cause: a.rootCause, severity: a.severity,
          components: sortedJson(a.components), blast_radius: sortedJson(a.blastRadius), took_down: sortedJson(a.tookDown), at: a.at,
        });
        const id = Number(info.lastInsertRowid);
        addEntry(id, a.entry);
        touched.set(id, 'opened');
        continue;
      }
      const id = resolveRef(a.ref);
      // Decisions are made on the open incidents read in this same synchronous call; a missing row
      // means a programming error, and throwing rolls the whole snapshot back.
      if (id === undefined) throw new Error(`incident action ${a.type} names no incident: ${JSON.stringify(a.ref)}`);
      switch (a.type) {
        case 'join': {
          let m = members.get(id);
          if (!m) {
            m = membersOf(toIncident(q.get.get(id)!));
            members.set(id, m);
          }
          q.setMembers.run({ id, at: now, ...joinMembers(m, a) });
          if (a.entry) addEntry(id, a.entry);
          break;
        }
        case 'entry':
          addEntry(id, a.entry);
          q.touch.run({ id, at: now });
          break;
        case 'severity':
          q.setSeverity.run({ id, severity: a.severity, at: now });
          addEntry(id, a.entry);
          break;
        case 'resolve':
          q.resolve.run({ id, at: a.at });
          addEntry(id, a.entry);
          break;
      }
      touched.set(id, touchedKind(touched.get(id), a.type));
    }
    for (const [id, kind] of touched) outbox.record(id, kind, now, mark);
    return [...touched.keys()];
  });

  const createTx = db.transaction((input: ManualIncidentInput): number => {
    const mark = outbox.timelineMark();
    const info = q.insert.run({
      title: input.title, source: 'manual', root_cause: null, severity: input.severity,
      components: sortedJson([...input.components, ...input.blastRadius]),
      blast_radius: sortedJson(input.blastRadius), took_down: '[]', at: input.at,
    });
    const id = Number(info.lastInsertRowid);
    addEntry(id, manualOpenedEntry(input));
    outbox.record(id, 'opened', input.at, mark);
    return id;
  });
  const updateTx = db.transaction((id: number, u: { text: string; status?: UpdateStatus; author: string; at: number }) => {
    mustGetOpen(id);
    const mark = outbox.timelineMark();
    if (u.status) q.setStatus.run({ id, status: u.status, at: u.at });
    else q.touch.run({ id, at: u.at });
    addEntry(id, updateEntry(u));
    outbox.record(id, 'updated', u.at, mark);
  });
  const resolveTx = db.transaction((id: number, r: { text?: string; author: string; at: number }) => {
    const row = mustGetOpen(id);
    const mark = outbox.timelineMark();
    q.resolve.run({ id, at: r.at });
    addEntry(id, resolvedEntry(r, `Resolved by ${r.author} after ${formatDuration(r.at - row.started_at)}`));
    outbox.record(id, 'resolved', r.at, mark);
  });

  // better-sqlite3 is synchronous; the interface is not (store.ts), so each call settles at once.
  return {
    ...outbox,
    // A public write notes what customers were told in the internal incident, resolved or not.
    ...sqlitePublicIncidents(db, (id, n, at) => {
      const mark = outbox.timelineMark();
      q.touch.run({ id, at });
      addEntry(id, { at, kind: 'public', author: n.author, text: n.text });
      outbox.record(id, 'updated', at, mark);
    }),
    location: file,
    sinks: [...opts.sinks],
    async get(id) {
      const row = q.get.get(id);
      if (!row) return undefined;
      return { ...toIncident(row), timeline: q.timeline.all(id).map(toEntry) };
    },
    async list(filter = {}) {
      const limit = filter.limit ?? 100;
      const stmt = filter.state === 'open' ? q.listOpen : filter.state === 'resolved' ? q.listResolved : q.listAll;
      return stmt.all(limit).map(toIncident);
    },
    openIncidents: async () => q.open.all().map(toIncident),
    openCount: async () => q.openCount.get()!.n,
    apply: async (actions, now) => (actions.length ? applyTx(actions, now) : []),
    createManual: async (input) => createTx(input),
    addUpdate: async (id, u) => updateTx(id, u),
    resolve: async (id, r) => resolveTx(id, r),
    async close() {
      if (db.open) db.close();
    },
  };
}
