/*
 * The incident store: SQLite (WAL) under data_dir. Every mutation is one transaction that also
 * bumps the incident's annotation outbox row, so a crash can never leave Grafana out of step for good.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../data-files.js';
import type { State } from '../engine/state.js';
import { formatDuration } from './format.js';
import { migrate } from './migrations.js';
import type {
  Action, EntryKind, Incident, IncidentRef, IncidentWithTimeline, Severity, Source, Status, TimelineEntry, UpdateStatus,
} from './types.js';

export const DB_FILE = 'incidents.db';

export interface ManualIncidentInput {
  readonly title: string;
  readonly components: readonly string[];
  readonly blastRadius: readonly string[];
  readonly severity: Severity;
  readonly text?: string;
  readonly author: string;
  readonly at: number;
}

export interface OutboxItem {
  readonly incident: Incident;
  readonly version: number;
  readonly attempts: number;
  readonly annotationId: number | null;
  readonly postSentAt: number | null;
}

export interface IncidentStore {
  readonly file: string;
  get(id: number): IncidentWithTimeline | undefined;
  list(filter?: { state?: 'open' | 'resolved'; limit?: number }): Incident[];
  openIncidents(): Incident[];
  openCount(): number;
  /** Applies one snapshot's decisions atomically; returns the ids of the incidents that changed. */
  apply(actions: readonly Action[], now: number): number[];
  createManual(input: ManualIncidentInput): number;
  addUpdate(id: number, update: { text: string; status?: UpdateStatus; author: string; at: number }): void;
  resolve(id: number, resolution: { text?: string; author: string; at: number }): void;
  /** Outbox rows whose annotation is behind and whose next attempt is due. */
  dueAnnotations(now: number, limit?: number): OutboxItem[];
  /** Epoch ms of the earliest pending attempt, if any. */
  nextAnnotationAttempt(): number | undefined;
  markPostSent(incidentId: number, at: number): void;
  annotationSynced(incidentId: number, version: number, annotationId: number): void;
  annotationFailed(incidentId: number, error: string, nextAttemptAt: number): void;
  close(): void;
}

interface IncidentRow {
  id: number; title: string; source: Source; root_cause: string | null; severity: Severity; status: Status;
  components: string; blast_radius: string; took_down: string;
  started_at: number; resolved_at: number | null; updated_at: number;
}
interface TimelineRow {
  at: number; kind: EntryKind; author: string; text: string; component: string | null;
  from_state: State | null; to_state: State | null; status: Status | null;
}
interface OutboxRow extends IncidentRow {
  o_version: number; o_attempts: number; o_annotation_id: number | null; o_post_sent_at: number | null;
}

function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    title: r.title,
    source: r.source,
    rootCause: r.root_cause,
    severity: r.severity,
    status: r.status,
    components: JSON.parse(r.components) as string[],
    blastRadius: JSON.parse(r.blast_radius) as string[],
    tookDown: JSON.parse(r.took_down) as string[],
    startedAt: r.started_at,
    resolvedAt: r.resolved_at,
    updatedAt: r.updated_at,
  };
}

function toEntry(r: TimelineRow): TimelineEntry {
  return {
    at: r.at, kind: r.kind, author: r.author, text: r.text,
    ...(r.component !== null ? { component: r.component } : {}),
    ...(r.from_state !== null ? { from: r.from_state } : {}),
    ...(r.to_state !== null ? { to: r.to_state } : {}),
    ...(r.status !== null ? { status: r.status } : {}),
  };
}

const sortedJson = (names: Iterable<string>): string => JSON.stringify([...new Set(names)].sort());

export class IncidentStateError extends Error {}

export function openIncidentStore(opts: { dataDir: string; annotate: boolean }): IncidentStore {
  const file = path.join(opts.dataDir, DB_FILE);
  const db = openDatabase(opts.dataDir, DB_FILE);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Migrate (or refuse a newer schema) before switching to WAL, so a refused file is left as it was.
    migrate(db);
    db.pragma('journal_mode = WAL');
    // FULL: an incident acknowledged over the API must survive power loss, and writes are rare.
    db.pragma('synchronous = FULL');
  } catch (e) {
    db.close();
    throw e;
  }

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
    outboxBump: db.prepare(`INSERT INTO annotation_outbox (incident_id, version, next_attempt_at) VALUES (@id, 1, @at)
      ON CONFLICT (incident_id) DO UPDATE SET version = version + 1, attempts = 0, next_attempt_at = @at, last_error = NULL`),
    due: db.prepare<[number, number], OutboxRow>(`SELECT i.*, o.version AS o_version, o.attempts AS o_attempts,
        o.annotation_id AS o_annotation_id, o.post_sent_at AS o_post_sent_at
      FROM annotation_outbox o JOIN incidents i ON i.id = o.incident_id
      WHERE o.version > o.synced_version AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.incident_id LIMIT ?`),
    nextDue: db.prepare<[], { t: number | null }>('SELECT min(next_attempt_at) AS t FROM annotation_outbox WHERE version > synced_version'),
    postSent: db.prepare('UPDATE annotation_outbox SET post_sent_at = coalesce(post_sent_at, ?) WHERE incident_id = ?'),
    synced: db.prepare(`UPDATE annotation_outbox SET synced_version = max(synced_version, @version), annotation_id = @annotationId,
      attempts = 0, last_error = NULL WHERE incident_id = @id`),
    failed: db.prepare('UPDATE annotation_outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE incident_id = @id'),
  };

  const addEntry = (id: number, e: TimelineEntry): void => {
    q.entry.run({
      id, at: e.at, kind: e.kind, author: e.author, text: e.text,
      component: e.component ?? null, from: e.from ?? null, to: e.to ?? null, status: e.status ?? null,
    });
  };
  const changed = (id: number, at: number): void => {
    if (opts.annotate) q.outboxBump.run({ id, at });
  };
  const mustGetOpen = (id: number): IncidentRow => {
    const row = q.get.get(id);
    if (!row) throw new IncidentStateError(`no incident ${id}`);
    if (row.resolved_at !== null) throw new IncidentStateError(`incident ${id} is resolved`);
    return row;
  };
  const resolveRef = (ref: IncidentRef): number | undefined =>
    ('id' in ref ? q.idOf.get(ref.id) : q.idByRoot.get(ref.root))?.id;

  const applyTx = db.transaction((actions: readonly Action[], now: number): number[] => {
    const touched = new Set<number>();
    // Member lists of incidents joined in this transaction, parsed once however many join.
    const members = new Map<number, { components: string[]; blastRadius: string[]; tookDown: string[] }>();
    for (const a of actions) {
      if (a.type === 'open') {
        const info = q.insert.run({
          title: a.title, source: 'auto', root_cause: a.rootCause, severity: a.severity,
          components: sortedJson(a.components), blast_radius: sortedJson(a.blastRadius), took_down: sortedJson(a.tookDown), at: a.at,
        });
        const id = Number(info.lastInsertRowid);
        addEntry(id, a.entry);
        touched.add(id);
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
            const inc = toIncident(q.get.get(id)!);
            m = { components: [...inc.components], blastRadius: [...inc.blastRadius], tookDown: [...inc.tookDown] };
            members.set(id, m);
          }
          m.components = [...new Set([...m.components, a.component, ...a.blastRadius])].sort();
          m.blastRadius = [...new Set([...m.blastRadius, ...a.blastRadius])].sort();
          m.tookDown = [...new Set([...m.tookDown, a.component])].sort();
          q.setMembers.run({
            id, at: now,
            components: JSON.stringify(m.components), blast_radius: JSON.stringify(m.blastRadius), took_down: JSON.stringify(m.tookDown),
          });
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
      touched.add(id);
    }
    for (const id of touched) changed(id, now);
    return [...touched];
  });

  return {
    file,
    get(id) {
      const row = q.get.get(id);
      if (!row) return undefined;
      return { ...toIncident(row), timeline: q.timeline.all(id).map(toEntry) };
    },
    list(filter = {}) {
      const limit = filter.limit ?? 100;
      const stmt = filter.state === 'open' ? q.listOpen : filter.state === 'resolved' ? q.listResolved : q.listAll;
      return stmt.all(limit).map(toIncident);
    },
    openIncidents: () => q.open.all().map(toIncident),
    openCount: () => q.openCount.get()!.n,
    apply: (actions, now) => (actions.length ? applyTx(actions, now) : []),
    createManual: db.transaction((input: ManualIncidentInput): number => {
      const info = q.insert.run({
        title: input.title, source: 'manual', root_cause: null, severity: input.severity,
        components: sortedJson([...input.components, ...input.blastRadius]),
        blast_radius: sortedJson(input.blastRadius), took_down: '[]', at: input.at,
      });
      const id = Number(info.lastInsertRowid);
      addEntry(id, {
        at: input.at, kind: 'opened', author: input.author, status: 'investigating',
        text: input.text ?? `Opened: ${input.title}`,
      });
      changed(id, input.at);
      return id;
    }),
    addUpdate: db.transaction((id: number, u: { text: string; status?: UpdateStatus; author: string; at: number }) => {
      mustGetOpen(id);
      if (u.status) q.setStatus.run({ id, status: u.status, at: u.at });
      else q.touch.run({ id, at: u.at });
      addEntry(id, { at: u.at, kind: 'update', author: u.author, text: u.text, ...(u.status ? { status: u.status } : {}) });
      changed(id, u.at);
    }),
    resolve: db.transaction((id: number, r: { text?: string; author: string; at: number }) => {
      const row = mustGetOpen(id);
      q.resolve.run({ id, at: r.at });
      addEntry(id, {
        at: r.at, kind: 'resolved', author: r.author, status: 'resolved',
        text: r.text ?? `Resolved by ${r.author} after ${formatDuration(r.at - row.started_at)}`,
      });
      changed(id, r.at);
    }),
    dueAnnotations(now, limit = 20) {
      return q.due.all(now, limit).map((r) => ({
        incident: toIncident(r), version: r.o_version, attempts: r.o_attempts,
        annotationId: r.o_annotation_id, postSentAt: r.o_post_sent_at,
      }));
    },
    nextAnnotationAttempt() {
      return q.nextDue.get()?.t ?? undefined;
    },
    markPostSent(incidentId, at) {
      q.postSent.run(at, incidentId);
    },
    annotationSynced(incidentId, version, annotationId) {
      q.synced.run({ id: incidentId, version, annotationId });
    },
    annotationFailed(incidentId, error, nextAttemptAt) {
      q.failed.run({ id: incidentId, error: error.slice(0, 500), next: nextAttemptAt });
    },
    close() {
      if (db.open) db.close();
    },
  };
}
