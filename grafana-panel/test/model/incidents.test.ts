import { createDataFrame, FieldType } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { plainTableFrame } from '../support/reference.js';
import { buildGraphModel } from '../../src/model/join.js';
import { openIncidentsByComponent } from '../../src/model/incidents.js';

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

  it('knows an incident is open from statusgraph_incident_open when its annotation is outside the range', () => {
    // Grafana returned no annotation: the incident began before the range start.
    const open = createDataFrame(plainTableFrame('incidents', [
      { metric: 'statusgraph_incident_open', labels: { incident: 'INC-4', component: 'db', severity: 'critical' }, value: 1 },
      { metric: 'statusgraph_incident_open', labels: { incident: 'INC-4', component: 'api', severity: 'critical' }, value: 1 },
    ], true) as never);
    const m = openIncidentsByComponent([], NOW, [open]);
    expect([...m.keys()].sort()).toEqual(['api', 'db']);
    expect(m.get('db')).toEqual([{ key: 'INC-4', title: 'INC-4', severity: 'critical' }]);
  });

  it('recognises the series by its labels in an aggregated query, and ignores other series', () => {
    const open = createDataFrame(plainTableFrame('A', [
      { metric: 'statusgraph_incident_open', labels: { incident: 'INC-9', component: 'db', severity: 'minor' }, value: 1 },
    ], false) as never);
    const status = createDataFrame(plainTableFrame('status', [
      { metric: 'statusgraph_component_status', labels: { component: 'api', tier: 'service' }, value: 3 },
    ], true) as never);
    const m = openIncidentsByComponent(undefined, NOW, [open, status]);
    expect([...m.keys()]).toEqual(['db']);
    // The graph does not count the incident series as unknown.
    expect(buildGraphModel([open, status]).warnings).toEqual([]);
  });

  it('lists an incident known from both sources once, with the annotation title', () => {
    const open = createDataFrame(plainTableFrame('incidents', [
      { metric: 'statusgraph_incident_open', labels: { incident: 'INC-7', component: 'db', severity: 'major' }, value: 1 },
    ], true) as never);
    const m = openIncidentsByComponent([annotations([
      { id: 31, time: NOW - 60_000, tags: ['incident', 'incident:INC-7', 'component:db', 'severity:major'], text: 'DB slow' },
    ])], NOW, [open]);
    expect(m.get('db')).toEqual([{ key: 'INC-7', title: 'DB slow', severity: 'major', startedAt: NOW - 60_000 }]);
  });

  it('takes the title from an annotation whose end hides it, when the series says the incident is open', () => {
    // A resolved-looking annotation (end before the range end) and the series at the range end disagree:
    // the series is the state at the range end.
    const open = createDataFrame(plainTableFrame('incidents', [
      { metric: 'statusgraph_incident_open', labels: { incident: 'INC-8', component: 'db', severity: 'major' }, value: 1 },
    ], true) as never);
    const ann = annotations([{ id: 2, time: NOW - 600_000, timeEnd: NOW - 300_000, tags: ['incident', 'incident:INC-8', 'component:db'], text: 'Disk full' }]);
    expect(openIncidentsByComponent([ann], NOW).size).toBe(0);
    expect(openIncidentsByComponent([ann], NOW, [open]).get('db')).toEqual([{ key: 'INC-8', title: 'Disk full', severity: 'major' }]);
  });

  it('handles no annotations', () => {
    expect(openIncidentsByComponent(undefined, NOW).size).toBe(0);
  });
});
