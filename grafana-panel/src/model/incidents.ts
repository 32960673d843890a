import type { DataFrame, Field } from '@grafana/data';
import { valueAt } from './frames.js';

export interface OpenIncident {
  readonly key: string;
  readonly title: string;
  readonly severity?: string;
  readonly startedAt?: number;
}

/**
 * Open incidents per component, from the dashboard's annotations. statusgraph mirrors each
 * incident as an annotation tagged `incident`, `component:<name>` and `severity:<s>`
 * (DESIGN.md, "Incidents"). Open means: no end yet (no timeEnd, or timeEnd not after time), or an
 * end at or after the end of the panel's time range; an annotation tagged `resolved` is closed.
 */
export function openIncidentsByComponent(annotations: readonly DataFrame[] | undefined, rangeEnd: number): Map<string, OpenIncident[]> {
  const out = new Map<string, OpenIncident[]>();
  for (const frame of annotations ?? []) {
    const f = (name: string) => frame.fields.find((x) => x.name === name);
    const tagsField = f('tags');
    if (!tagsField) continue;
    const time = f('time');
    const timeEnd = f('timeEnd');
    const title = f('title');
    const text = f('text');
    const id = f('id');
    for (let row = 0; row < frame.length; row++) {
      const tags = tagsOf(tagsField, row);
      if (!tags.includes('incident') || tags.includes('resolved')) continue;
      const start = num(time, row);
      const end = num(timeEnd, row);
      const open = end === undefined || end === 0 || (start !== undefined && end <= start) || end >= rangeEnd;
      if (!open) continue;
      const incident: OpenIncident = {
        key: String(num(id, row) ?? `${start ?? ''}-${row}`),
        title: firstLine(str(title, row) ?? str(text, row) ?? 'Incident'),
        severity: tags.find((t) => t.startsWith('severity:'))?.slice('severity:'.length),
        startedAt: start,
      };
      for (const t of tags) {
        if (!t.startsWith('component:')) continue;
        const c = t.slice('component:'.length);
        const list = out.get(c) ?? [];
        if (!list.some((i) => i.key === incident.key)) list.push(incident);
        out.set(c, list);
      }
    }
  }
  return out;
}

function tagsOf(field: Field, row: number): string[] {
  const v = valueAt(field, row);
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        // not JSON after all: fall through to comma-separated
      }
    }
    return t.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return [];
}

function num(field: Field | undefined, row: number): number | undefined {
  if (!field) return undefined;
  const v = valueAt(field, row);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function str(field: Field | undefined, row: number): string | undefined {
  if (!field) return undefined;
  const v = valueAt(field, row);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Annotation text may be HTML or markdown; the tooltip shows its first line as plain text. */
function firstLine(s: string): string {
  const first = s.split(/\r?\n|<br\s*\/?>/i).find((l) => l.trim() !== '') ?? s;
  const plain = first.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 117)}…` : plain;
}
