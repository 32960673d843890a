import { createDataFrame, FieldType } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { buildGraphModel } from '../../src/model/join.js';
import { seriesFrames, tableFrames } from '../support/frames.js';
import { OUTAGE_IMPACTED, OUTAGE_STATUS, REFERENCE, ROOT_CAUSE, outageSeries, plainTableFrame, referenceEdges } from '../support/reference.js';

describe('buildGraphModel', () => {
  it('joins the five queries by component label (table format)', () => {
    const m = buildGraphModel(tableFrames());
    expect(m.nodes.map((n) => n.id)).toEqual(REFERENCE.map((c) => c.name).sort());
    expect(m.edges).toHaveLength(referenceEdges().length);
    const primary = m.nodes.find((n) => n.id === ROOT_CAUSE)!;
    expect(primary.state).toBe('major_outage');
    expect(primary.tier).toBe('infrastructure');
    expect(primary.displayName).toBe('PostgreSQL primary');
    expect(primary.runbook).toBe('https://wiki.example/runbooks/postgresql-primary');
    expect(primary.latencySeconds).toBe(10);
    expect(primary.probes).toEqual([{ name: 'postgres', durationSeconds: 10, baselineSeconds: 0.002 }]);
    const orders = m.nodes.find((n) => n.id === 'orders')!;
    expect(orders.state).toBe('operational');
    expect(orders.rootCauses).toEqual([ROOT_CAUSE]);
    expect(m.rootCauses).toEqual(new Set([ROOT_CAUSE]));
    expect(m.nodes.filter((n) => n.rootCauses.length > 0).map((n) => n.id).sort()).toEqual([...OUTAGE_IMPACTED].sort());
    expect(m.warnings).toEqual([]);
  });

  it('gives the same model from time-series frames, and keeps the status cell for data links', () => {
    const a = buildGraphModel(tableFrames());
    const b = buildGraphModel(seriesFrames());
    const strip = (m: typeof a) => m.nodes.map(({ linkSource, ...rest }) => rest);
    expect(strip(b)).toEqual(strip(a));
    expect(b.edges).toEqual(a.edges);
    const link = a.nodes.find((n) => n.id === 'orders')!.linkSource!;
    expect(link.field.values[link.rowIndex]).toBe(OUTAGE_STATUS.orders);
  });

  it('recognises aggregated queries without __name__ by their expression', () => {
    const m = buildGraphModel(tableFrames(outageSeries(), false));
    expect(m.nodes.find((n) => n.id === ROOT_CAUSE)!.state).toBe('major_outage');
    expect(m.nodes.find((n) => n.id === 'auth')!.rootCauses).toEqual([ROOT_CAUSE]);
    expect(m.nodes.find((n) => n.id === 'auth')!.probes[0]!.baselineSeconds).toBe(0.008);
  });

  it('recognises the provisioned dashboard\'s refIds when neither __name__ nor the expression tell', () => {
    const refIds: Record<string, string> = {
      statusgraph_component_status: 'status', statusgraph_component_impacted: 'impacted', statusgraph_dependency_info: 'dependencies',
      statusgraph_probe_duration_seconds: 'duration', statusgraph_probe_baseline_seconds: 'baseline', statusgraph_component_info: 'info',
    };
    const frames = Object.entries(outageSeries()).map(([metric, s]) => {
      const plain = plainTableFrame(refIds[metric]!, s, false);
      plain.meta.executedQueryString = '';
      return createDataFrame(plain as never);
    });
    const auth = buildGraphModel(frames).nodes.find((n) => n.id === 'auth')!;
    // Baseline and duration share their labels: only the refId tells them apart here.
    expect(auth.probes).toEqual([{ name: 'http', durationSeconds: 0.009, baselineSeconds: 0.008 }]);
    expect(auth.rootCauses).toEqual([ROOT_CAUSE]);
  });

  it('takes the first metric of a joined expression, as the dashboard\'s status query does', () => {
    const plain = plainTableFrame('A', outageSeries().statusgraph_component_status!, false);
    plain.meta.executedQueryString = 'Expr: statusgraph_component_status and on (component) statusgraph_component_info{environment=~"production"}';
    const m = buildGraphModel([createDataFrame(plain as never)]);
    expect(m.nodes.find((n) => n.id === ROOT_CAUSE)!.state).toBe('major_outage');
  });

  it('skips series without a component label or with a bad value, and says so', () => {
    const s = outageSeries();
    s.statusgraph_component_status = [
      ...s.statusgraph_component_status!,
      { metric: 'statusgraph_component_status', labels: { tier: 'service' }, value: 0 },
      { metric: 'statusgraph_component_status', labels: { component: 'weird', tier: 'service' }, value: 7 },
    ];
    s.statusgraph_dependency_info = [...s.statusgraph_dependency_info!, { metric: 'statusgraph_dependency_info', labels: { component: 'orders' }, value: 1 }];
    const m = buildGraphModel(tableFrames(s));
    expect(m.nodes).toHaveLength(14);
    expect(m.warnings).toEqual([
      '1 series or rows without a component label were skipped',
      '2 series with a missing label or an invalid value were skipped',
    ]);
  });

  it('keeps components seen only as a dependency, with no state', () => {
    const m = buildGraphModel(tableFrames({
      statusgraph_dependency_info: [{ metric: 'statusgraph_dependency_info', labels: { component: 'a', depends_on: 'b' }, value: 1 }],
    }));
    expect(m.nodes.map((n) => [n.id, n.state])).toEqual([['a', undefined], ['b', undefined]]);
  });

  it('reads Node Graph frames and derives impact itself', () => {
    const nodes = createDataFrame({
      name: 'nodes',
      meta: { preferredVisualisationType: 'nodeGraph' },
      fields: [
        { name: 'id', type: FieldType.string, values: ['web', 'db', 'cache', 'api'] },
        { name: 'title', type: FieldType.string, values: ['Web', 'Database', 'Cache', 'API'] },
        { name: 'mainstat', type: FieldType.number, values: [12, 3000, 1, 40], config: { unit: 'ms' } },
        { name: 'detail__state', type: FieldType.string, values: ['operational', 'major_outage', 'degraded', '2'] },
        { name: 'detail__tier', type: FieldType.string, values: ['service', 'infrastructure', 'infrastructure', 'service'] },
      ],
    });
    const edges = createDataFrame({
      name: 'edges',
      fields: [
        { name: 'id', type: FieldType.string, values: ['1', '2', '3'] },
        { name: 'source', type: FieldType.string, values: ['web', 'api', 'api'] },
        { name: 'target', type: FieldType.string, values: ['api', 'db', 'cache'] },
      ],
    });
    const m = buildGraphModel([nodes, edges]);
    const by = new Map(m.nodes.map((n) => [n.id, n]));
    expect(by.get('db')!.state).toBe('major_outage');
    expect(by.get('api')!.state).toBe('partial_outage');
    expect(by.get('db')!.latencySeconds).toBe(3);
    // api is itself unhealthy because of db: db is the root cause of both api and web.
    expect(by.get('web')!.rootCauses).toEqual(['db']);
    expect(by.get('api')!.rootCauses).toEqual(['db']);
    expect(by.get('cache')!.rootCauses).toEqual([]);
    expect(m.edges).toEqual([{ source: 'api', target: 'cache' }, { source: 'api', target: 'db' }, { source: 'web', target: 'api' }]);
  });

  it('returns an empty model for no data', () => {
    const m = buildGraphModel([]);
    expect(m.nodes).toEqual([]);
    expect(m.edges).toEqual([]);
  });
});
