/** Row shapes of the SQLite incident tables and their conversion to domain objects (pure). */
import type { State } from '@statusgraph/core';
import type { EntryKind, Incident, Severity, Source, Status, TimelineEntry } from '../types.js';

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
