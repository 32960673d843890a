import { createDataFrame, FieldType } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { openIncidentsByComponent } from './incidents.js';

const NOW = 1_763_700_600_000;

function annotations(rows: Array<{ id: number; time: number; timeEnd?: number; tags: string[]; text: string }>) {
  return createDataFrame({
    fields: [
      { name: 'id', type: FieldType.number, values: rows.map((r) => r.id) },
      { name: 'time', type: FieldType.time, values: rows.map((r) => r.time) },
      { name: 'timeEnd', type: FieldType.time, values: rows.map((r) => r.timeEnd ?? null) },
      { name: 'tags', type: FieldType.other, values: rows.map((r) => r.tags) },
      { name: 'text', type: FieldType.string, values: rows.map((r) => r.text) },
    ],
  });
}

describe('openIncidentsByComponent', () => {
  it('maps open incident annotations to every component they tag', () => {
    const m = openIncidentsByComponent([annotations([
      { id: 1, time: NOW - 60_000, tags: ['incident', 'component:postgresql-primary', 'component:orders', 'severity:critical'], text: 'PostgreSQL down<br>details' },
    ])], NOW);
    expect([...m.keys()].sort()).toEqual(['orders', 'postgresql-primary']);
    expect(m.get('orders')).toEqual([{ key: '1', title: 'PostgreSQL down', severity: 'critical', startedAt: NOW - 60_000 }]);
  });

  it('ignores resolved incidents and annotations that are not incidents', () => {
    const m = openIncidentsByComponent([annotations([
      { id: 1, time: NOW - 600_000, timeEnd: NOW - 300_000, tags: ['incident', 'component:a'], text: 'over' },
      { id: 2, time: NOW - 60_000, tags: ['deploy', 'component:b'], text: 'deploy' },
      { id: 3, time: NOW - 60_000, tags: ['incident', 'resolved', 'component:c'], text: 'closed' },
      { id: 4, time: NOW - 60_000, timeEnd: NOW + 1, tags: ['incident', 'component:d'], text: 'running' },
      { id: 5, time: NOW - 60_000, timeEnd: NOW - 60_000, tags: ['incident', 'component:e'], text: 'point' },
    ])], NOW);
    expect([...m.keys()].sort()).toEqual(['d', 'e']);
  });

  it('accepts tags as a comma-separated string', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [NOW] },
        { name: 'tags', type: FieldType.string, values: ['incident, component:x'] },
        { name: 'title', type: FieldType.string, values: ['X is down'] },
      ],
    });
    expect(openIncidentsByComponent([frame], NOW).get('x')![0]!.title).toBe('X is down');
  });

  it('handles no annotations', () => {
    expect(openIncidentsByComponent(undefined, NOW).size).toBe(0);
  });
});
