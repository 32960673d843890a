/**
 * Row shapes of the incident tables, the same in every backend (SQLite and PostgreSQL use the same
 * column names, arrays as JSON text, times as epoch ms), their conversion to domain objects, and
 * the pure steps of applying a snapshot's actions that both backends share.
 */
import type { State } from '@statusgraph/core';
import type { ChangeKind, IncidentChange } from './sink.js';
import type { Delivery, OutboxEntry } from './store.js';
import type { Action, EntryKind, Incident, Severity, Source, Status, TimelineEntry, UpdateStatus } from './types.js';

export interface IncidentRow {
  id: number; title: string; source: Source; root_cause: string | null; severity: Severity; status: Status;
  components: string; blast_radius: string; took_down: string;
  started_at: number; resolved_at: number | null; updated_at: number;
}

export interface TimelineRow {
  at: number; kind: EntryKind; author: string; text: string; component: string | null;
  from_state: State | null; to_state: State | null; status: Status | null;
}

export function toIncident(r: IncidentRow): Incident {
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

export function toEntry(r: TimelineRow): TimelineEntry {
  return {
    at: r.at, kind: r.kind, author: r.author, text: r.text,
    ...(r.component !== null ? { component: r.component } : {}),
    ...(r.from_state !== null ? { from: r.from_state } : {}),
    ...(r.to_state !== null ? { to: r.to_state } : {}),
    ...(r.status !== null ? { status: r.status } : {}),
  };
}

export const sortedJson = (names: Iterable<string>): string => JSON.stringify([...new Set(names)].sort());

export interface Members { components: string[]; blastRadius: string[]; tookDown: string[] }

export const membersOf = (inc: Incident): Members => ({ components: [...inc.components], blastRadius: [...inc.blastRadius], tookDown: [...inc.tookDown] });

/** The member lists after a component joins (kept sorted): the JSON columns to write. */
export function joinMembers(m: Members, a: Extract<Action, { type: 'join' }>): { components: string; blast_radius: string; took_down: string } {
  m.components = [...new Set([...m.components, a.component, ...a.blastRadius])].sort();
  m.blastRadius = [...new Set([...m.blastRadius, ...a.blastRadius])].sort();
  m.tookDown = [...new Set([...m.tookDown, a.component])].sort();
  return { components: JSON.stringify(m.components), blast_radius: JSON.stringify(m.blastRadius), took_down: JSON.stringify(m.tookDown) };
}

/** What one snapshot did to an incident so far: opened wins, then resolved, then updated. */
export function touchedKind(was: ChangeKind | undefined, action: Action['type']): ChangeKind {
  return was === 'opened' ? was : action === 'resolve' ? 'resolved' : (was ?? 'updated');
}

/** The timeline entry of a manual resolution. */
export const resolvedEntry = (r: { text?: string; author: string; at: number }, text: string): TimelineEntry => ({
  at: r.at, kind: 'resolved', author: r.author, status: 'resolved', text: r.text ?? text,
});

/** Timeline entry columns, as both backends insert them. */
export const entryColumns = (id: number, e: TimelineEntry) => ({
  id, at: e.at, kind: e.kind, author: e.author, text: e.text,
  component: e.component ?? null, from: e.from ?? null, to: e.to ?? null, status: e.status ?? null,
});

/** The first timeline entry of a manual incident. */
export const manualOpenedEntry = (input: { title: string; text?: string; author: string; at: number }): TimelineEntry => ({
  at: input.at, kind: 'opened', author: input.author, status: 'investigating', text: input.text ?? `Opened: ${input.title}`,
});

/** The timeline entry of an update. */
export const updateEntry = (u: { text: string; status?: UpdateStatus; author: string; at: number }): TimelineEntry => ({
  at: u.at, kind: 'update', author: u.author, text: u.text, ...(u.status ? { status: u.status } : {}),
});

/** Outbox tables' rows, the same in both backends. */
export interface ChangeRow { seq: number; incident_id: number; kind: ChangeKind; at: number; entries_after: number; entries_last: number }
export interface DueRow extends IncidentRow {
  o_seq: number; o_attempts: number; o_sent_at: number | null;
  c_kind: ChangeKind; c_at: number; c_after: number; c_last: number;
  s_ref: string | null; s_sent_at: number | null;
}
export interface EntryRow { sink: string; change_seq: number; incident_id: number; state: 'pending' | 'failed'; attempts: number; next_attempt_at: number; last_error: string | null; sent_at: number | null }

export const toChange = (r: ChangeRow, entries: readonly TimelineEntry[]): IncidentChange => ({
  seq: r.seq, incidentId: r.incident_id, kind: r.kind, at: r.at, entries: [...entries],
});

/** The change row a due row carries (its entries are read by the backend). */
export const dueChange = (r: DueRow): ChangeRow => ({ seq: r.o_seq, incident_id: r.id, kind: r.c_kind, at: r.c_at, entries_after: r.c_after, entries_last: r.c_last });

export const toDelivery = (sink: string, r: DueRow, change: IncidentChange): Delivery => ({
  sink, incidentId: r.id, seq: r.o_seq, attempts: r.o_attempts, sentAt: r.o_sent_at,
  incident: toIncident(r), change, remote: { ref: r.s_ref, sentAt: r.s_sent_at },
});

export const toOutboxEntry = (r: EntryRow): OutboxEntry => ({
  sink: r.sink, incidentId: r.incident_id, seq: r.change_seq, state: r.state, attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at, lastError: r.last_error, sentAt: r.sent_at,
});
