import type { DataFrame, Field } from '@grafana/data';
import { frameSamples, valueAt } from './frames.js';
import { metricOf } from './metrics.js';

export interface OpenIncident {
  readonly key: string;
  readonly title: string;
  readonly severity?: string;
  readonly startedAt?: number;
}

type ByComponent = Map<string, OpenIncident[]>;

/**
 * Open incidents per component, from two sources that complement each other:
 *
 * - `statusgraph_incident_open{incident, component, severity}` (an instant query of the panel):
 *   present while the incident is open, whatever the dashboard range. Grafana returns an
 *   annotation only when it overlaps the range, so an incident opened 8 h ago on a 6 h dashboard
 *   is known from this series alone.
 * - The dashboard's annotations: statusgraph mirrors each incident as an annotation tagged
 *   `incident`, `incident:<id>`, `component:<name>` and `severity:<s>` (DESIGN.md, "Incidents").
 *   Open means: no end yet (no timeEnd, or timeEnd not after time), or an end at or after the end
 *   of the panel's time range; an annotation tagged `resolved` is closed. They give the title.
 *
 * An incident in both is listed once, with the annotation's title.
 */
export function openIncidentsByComponent(annotations: readonly DataFrame[] | undefined, rangeEnd: number, series: readonly DataFrame[] = []): ByComponent {
  const out: ByComponent = new Map();
  const titles = new Map<string, string>();
  for (const a of annotationIncidents(annotations)) {
    titles.set(a.incident.key, a.incident.title);
    if (a.open(rangeEnd)) {
      for (const c of a.components) {
        add(out, c, a.incident);
      }
    }
  }
  for (const frame of series) {
    for (const s of frameSamples(frame)) {
      const { incident, component, severity } = s.labels;
      if (metricOf(s) !== 'incidentOpen' || !incident || !component || s.value === 0 || s.value === null) {
        continue;
      }
      add(out, component, { key: incident, title: titles.get(incident) ?? incident, severity });
    }
  }
  return out;
}

function add(out: ByComponent, component: string, incident: OpenIncident): void {
  const list = out.get(component) ?? [];
  if (!list.some((i) => i.key === incident.key)) {
    list.push(incident);
  }
  out.set(component, list);
}

interface AnnotatedIncident {
  readonly incident: OpenIncident;
  readonly components: readonly string[];
  open(rangeEnd: number): boolean;
}

/** Every incident annotation (tagged `incident`), open or not; keyed by its `incident:<id>` tag when it has one. */
function annotationIncidents(annotations: readonly DataFrame[] | undefined): AnnotatedIncident[] {
  const out: AnnotatedIncident[] = [];
  for (const frame of annotations ?? []) {
    const f = (name: string) => frame.fields.find((x) => x.name === name);
    const tagsField = f('tags');
    if (!tagsField) {
      continue;
    }
    const time = f('time');
    const timeEnd = f('timeEnd');
    const title = f('title');
    const text = f('text');
    const id = f('id');
    for (let row = 0; row < frame.length; row++) {
      const tags = tagsOf(tagsField, row);
      if (!tags.includes('incident')) {
        continue;
      }
      const start = num(time, row);
      const end = num(timeEnd, row);
      const resolved = tags.includes('resolved');
      const tagged = tags.find((t) => t.startsWith('incident:'))?.slice('incident:'.length);
      out.push({
        incident: {
          key: tagged ?? String(num(id, row) ?? `${start ?? ''}-${row}`),
          title: firstLine(str(title, row) ?? str(text, row) ?? 'Incident'),
          severity: tags.find((t) => t.startsWith('severity:'))?.slice('severity:'.length),
          startedAt: start,
        },
        components: tags.filter((t) => t.startsWith('component:')).map((t) => t.slice('component:'.length)),
        open: (rangeEnd) => !resolved && (end === undefined || end === 0 || (start !== undefined && end <= start) || end >= rangeEnd),
      });
    }
  }
  return out;
}

function tagsOf(field: Field, row: number): string[] {
  const v = valueAt(field, row);
  if (Array.isArray(v)) {
    return v.map(String);
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (Array.isArray(parsed)) {
          return parsed.map(String);
        }
      } catch {
        // not JSON after all: fall through to comma-separated
      }
    }
    return t.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return [];
}

function num(field: Field | undefined, row: number): number | undefined {
  if (!field) {
    return undefined;
  }
  const v = valueAt(field, row);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function str(field: Field | undefined, row: number): string | undefined {
  if (!field) {
    return undefined;
  }
  const v = valueAt(field, row);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Annotation text may be HTML or markdown; the tooltip shows its first line as plain text. */
function firstLine(s: string): string {
  const first = s.split(/\r?\n|<br\s*\/?>/i).find((l) => l.trim() !== '') ?? s;
  const plain = first.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 117)}…` : plain;
}
