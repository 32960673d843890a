/** The JSON shape of incidents for the API and the SSE stream. */
import { formatId } from './ids.js';
import type { Incident, IncidentWithTimeline, TimelineEntry } from './types.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export interface IncidentJson {
  id: string;
  title: string;
  source: Incident['source'];
  status: Incident['status'];
  severity: Incident['severity'];
  rootCause: string | null;
  components: string[];
  blastRadius: string[];
  tookDown: string[];
  startedAt: string;
  resolvedAt: string | null;
  durationSeconds: number | null;
  updatedAt: string;
  timeline?: TimelineEntryJson[];
}

export interface TimelineEntryJson extends Omit<TimelineEntry, 'at'> {
  at: string;
}

export function entryJson(e: TimelineEntry): TimelineEntryJson {
  return { ...e, at: iso(e.at) };
}

export function incidentJson(i: Incident | IncidentWithTimeline): IncidentJson {
  const out: IncidentJson = {
    id: formatId(i.id),
    title: i.title,
    source: i.source,
    status: i.status,
    severity: i.severity,
    rootCause: i.rootCause,
    components: [...i.components],
    blastRadius: [...i.blastRadius],
    tookDown: [...i.tookDown],
    startedAt: iso(i.startedAt),
    resolvedAt: i.resolvedAt === null ? null : iso(i.resolvedAt),
    durationSeconds: i.resolvedAt === null ? null : (i.resolvedAt - i.startedAt) / 1000,
    updatedAt: iso(i.updatedAt),
  };
  if ('timeline' in i) out.timeline = i.timeline.map(entryJson);
  return out;
}
