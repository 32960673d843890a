/*
 * The PostgreSQL incident store: the same interface and contract as SQLite's (../store.ts,
 * exporter/test/incidents/store-contract.ts), for several statusgraph processes sharing one
 * database. Every mutation is one transaction under the incident-write advisory lock (pool.ts)
 * that also logs the change and queues it for every enabled sink (outbox.ts).
 */
import type { Logger } from 'pino';
import { formatDuration } from '../format.js';
import {
  entryColumns, joinMembers, manualOpenedEntry, membersOf, resolvedEntry, sortedJson, toEntry, toIncident, touchedKind, updateEntry,
  type IncidentRow, type Members, type TimelineRow,
} from '../rows.js';
import type { ChangeKind } from '../sink.js';
import { IncidentStateError, type DecisionFence, type IncidentStore, type ManualIncidentInput } from '../store.js';
import type { Action, IncidentRef, Incident, TimelineEntry } from '../types.js';
import { migratePostgres } from './migrations.js';
import { postgresOutbox } from './outbox.js';
import { createPool, lockIncidentWrites, transaction, type Db } from './pool.js';
import { postgresPublicIncidents } from './public.js';

export interface PostgresStoreOptions {
  /** A secret: never logged or shown. */
  readonly dsn: string;
  readonly sinks: readonly string[];
  readonly logger: Logger;
  readonly poolSize?: number;
  /** See IncidentsDeps.fence: run first in every automatic decision's transaction. */
  readonly fence?: DecisionFence;
}

const INSERT = `INSERT INTO incidents (title, source, root_cause, severity, status, components, blast_radius, took_down, started_at, updated_at)
  VALUES ($1, $2, $3, $4, 'investigating', $5, $6, $7, $8, $8) RETURNING id`;
const ENTRY = `INSERT INTO timeline (incident_id, at, kind, author, text, component, from_state, to_state, status)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
const LIST = {
  all: 'SELECT * FROM incidents ORDER BY started_at DESC, id DESC LIMIT $1',
  open: 'SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY started_at DESC, id DESC LIMIT $1',
  resolved: 'SELECT * FROM incidents WHERE resolved_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT $1',
} as const;

async function addEntry(db: Db, id: number, e: TimelineEntry): Promise<void> {
  const c = entryColumns(id, e);
  await db.query(ENTRY, [c.id, c.at, c.kind, c.author, c.text, c.component, c.from, c.to, c.status]);
}

async function rowOf(db: Db, id: number, lock = false): Promise<IncidentRow | undefined> {
  return (await db.query<IncidentRow>(`SELECT * FROM incidents WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])).rows[0];
}

async function mustGetOpen(db: Db, id: number): Promise<IncidentRow> {
  const row = await rowOf(db, id, true);
  if (!row) throw new IncidentStateError(`no incident ${id}`);
  if (row.resolved_at !== null) throw new IncidentStateError(`incident ${id} is resolved`);
  return row;
}

async function resolveRef(db: Db, ref: IncidentRef): Promise<number | undefined> {
  const r = 'id' in ref
    ? await db.query<{ id: number }>('SELECT id FROM incidents WHERE id = $1', [ref.id])
    : await db.query<{ id: number }>("SELECT id FROM incidents WHERE source = 'auto' AND resolved_at IS NULL AND root_cause = $1", [ref.root]);
  return r.rows[0]?.id;
}

/** One snapshot's actions inside its transaction; returns what each touched incident went through. */
async function applyActions(db: Db, actions: readonly Action[], now: number): Promise<Map<number, ChangeKind>> {
  const touched = new Map<number, ChangeKind>();
  const members = new Map<number, Members>();
  for (const a of actions) {
    if (a.type === 'open') {
      const { rows } = await db.query<{ id: number }>(INSERT, [a.title, 'auto', a.rootCause, a.severity, sortedJson(a.components), sortedJson(a.blastRadius), sortedJson(a.tookDown), a.at]);
      const id = rows[0]!.id;
      await addEntry(db, id, a.entry);
      touched.set(id, 'opened');
      continue;
    }
    const id = await resolveRef(db, a.ref);
    if (id === undefined) throw new Error(`incident action ${a.type} names no incident: ${JSON.stringify(a.ref)}`);
    switch (a.type) {
      case 'join': {
        let m = members.get(id);
        if (!m) {
          m = membersOf(toIncident((await rowOf(db, id))!));
          members.set(id, m);
        }
        const j = joinMembers(m, a);
        await db.query('UPDATE incidents SET components = $2, blast_radius = $3, took_down = $4, updated_at = $5 WHERE id = $1', [id, j.components, j.blast_radius, j.took_down, now]);
        if (a.entry) await addEntry(db, id, a.entry);
        break;
      }
      case 'entry':
        await addEntry(db, id, a.entry);
        await db.query('UPDATE incidents SET updated_at = $2 WHERE id = $1', [id, now]);
        break;
      case 'severity':
        await db.query('UPDATE incidents SET severity = $2, updated_at = $3 WHERE id = $1', [id, a.severity, now]);
        await addEntry(db, id, a.entry);
        break;
      case 'resolve':
        await db.query("UPDATE incidents SET status = 'resolved', resolved_at = $2, updated_at = $2 WHERE id = $1 AND resolved_at IS NULL", [id, a.at]);
        await addEntry(db, id, a.entry);
        break;
    }
    touched.set(id, touchedKind(touched.get(id), a.type));
  }
  return touched;
}

/** Connects, migrates (under the migration lock) and returns the store; the pool is closed if that fails. */
export async function openPostgresIncidentStore(opts: PostgresStoreOptions): Promise<IncidentStore> {
  const pool = createPool({ dsn: opts.dsn, logger: opts.logger, ...(opts.poolSize ? { max: opts.poolSize } : {}) });
  try {
    await migratePostgres(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  const outbox = postgresOutbox(pool, opts.sinks);
  /** A mutation: one transaction, incident writes serialized, the change logged and queued. */
  const write = <T>(fn: (db: Db, record: (id: number, kind: ChangeKind, at: number) => Promise<void>) => Promise<T>, fenced = false): Promise<T> =>
    transaction(pool, async (db) => {
      await lockIncidentWrites(db);
      // After the lock, so the lease row is held only while this write runs, not while it queues.
      if (fenced && opts.fence) await opts.fence(db, 'automatic incident decisions');
      const mark = await outbox.timelineMark(db);
      return fn(db, (id, kind, at) => outbox.record(db, id, kind, at, mark));
    });
  const many = async (sql: string, params: unknown[]): Promise<Incident[]> => (await pool.query<IncidentRow>(sql, params)).rows.map(toIncident);
  let closed: Promise<void> | undefined;

  return {
    ...outbox.api,
    // A public write notes what customers were told in the internal incident, resolved or not.
    ...postgresPublicIncidents(pool, (fn) => write((db, record) => fn(db, async (id, n, at) => {
      await db.query('UPDATE incidents SET updated_at = $2 WHERE id = $1', [id, at]);
      await addEntry(db, id, { at, kind: 'public', author: n.author, text: n.text });
      await record(id, 'updated', at);
    }))),
    location: 'PostgreSQL (store.kind: postgres)',
    sinks: [...opts.sinks],
    async get(id) {
      const row = (await pool.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id])).rows[0];
      if (!row) return undefined;
      // By time, then insertion order, as SQLite (a state change can be stamped before the opening snapshot).
      const timeline = await pool.query<TimelineRow>('SELECT * FROM timeline WHERE incident_id = $1 ORDER BY at, seq', [id]);
      return { ...toIncident(row), timeline: timeline.rows.map(toEntry) };
    },
    list: (filter = {}) => many(LIST[filter.state ?? 'all'], [filter.limit ?? 100]),
    openIncidents: () => many('SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY id', []),
    openCount: async () => (await pool.query<{ n: number }>('SELECT count(*) AS n FROM incidents WHERE resolved_at IS NULL')).rows[0]!.n,
    async apply(actions, now) {
      if (!actions.length) return [];
      return write(async (db, record) => {
        const touched = await applyActions(db, actions, now);
        for (const [id, kind] of touched) await record(id, kind, now);
        return [...touched.keys()];
      }, true);
    },
    createManual: (input: ManualIncidentInput) => write(async (db, record) => {
      const { rows } = await db.query<{ id: number }>(INSERT, [
        input.title, 'manual', null, input.severity, sortedJson([...input.components, ...input.blastRadius]), sortedJson(input.blastRadius), '[]', input.at,
      ]);
      const id = rows[0]!.id;
      await addEntry(db, id, manualOpenedEntry(input));
      await record(id, 'opened', input.at);
      return id;
    }),
    addUpdate: (id, u) => write(async (db, record) => {
      await mustGetOpen(db, id);
      if (u.status) await db.query('UPDATE incidents SET status = $2, updated_at = $3 WHERE id = $1', [id, u.status, u.at]);
      else await db.query('UPDATE incidents SET updated_at = $2 WHERE id = $1', [id, u.at]);
      await addEntry(db, id, updateEntry(u));
      await record(id, 'updated', u.at);
    }),
    resolve: (id, r) => write(async (db, record) => {
      const row = await mustGetOpen(db, id);
      await db.query("UPDATE incidents SET status = 'resolved', resolved_at = $2, updated_at = $2 WHERE id = $1", [id, r.at]);
      await addEntry(db, id, resolvedEntry(r, `Resolved by ${r.author} after ${formatDuration(r.at - row.started_at)}`));
      await record(id, 'resolved', r.at);
    }),
    close() {
      closed ??= (async () => {
        await outbox.releaseClaims().catch(() => undefined);
        await pool.end();
      })();
      return closed;
    },
  };
}
