/** What an incident looks like as a Grafana region annotation (pure). */
import { formatId } from '../incidents/ids.js';
import type { Incident } from '../incidents/types.js';

export interface AnnotationBody {
  time: number;
  timeEnd?: number;
  tags: string[];
  text: string;
}

/** The tag that names one incident: how a retry finds an annotation whose POST answer was lost. */
export function incidentTag(incidentId: number): string {
  return `incident:${formatId(incidentId)}`;
}

export function annotationTags(i: Incident): string[] {
  return ['incident', incidentTag(i.id), ...i.components.map((c) => `component:${c}`), `severity:${i.severity}`];
}

export function annotationBody(i: Incident): AnnotationBody {
  const root = i.rootCause ? ` Root cause: ${i.rootCause}.` : '';
  const body: AnnotationBody = {
    time: i.startedAt,
    tags: annotationTags(i),
    text: `${formatId(i.id)} [${i.severity}] ${i.title} (${i.status}).${root} Affected: ${i.components.join(', ') || 'none'}.`,
  };
  if (i.resolvedAt !== null) body.timeEnd = i.resolvedAt;
  return body;
}
