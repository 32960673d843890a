import { describe, expect, it } from 'vitest';
import { METRICS } from '@statusgraph/core';
import { buildGraphModel } from '../../src/model/join.js';
import { filterModel, maintenanceWord } from '../../src/components/view.js';
import { seriesFrames } from '../support/frames.js';

// Issue 19: the primary under a window and down, orders impacted by it (planned), the cache healthy.
const series = {
  status: [
    { metric: METRICS.componentStatus, labels: { component: 'postgresql-primary', tier: 'infrastructure' }, value: 3 },
    { metric: METRICS.componentStatus, labels: { component: 'orders', tier: 'service' }, value: 3 },
    { metric: METRICS.componentStatus, labels: { component: 'redis-cache', tier: 'infrastructure' }, value: 0 },
    { metric: METRICS.componentStatus, labels: { component: 'search', tier: 'service' }, value: 0 },
  ],
  impacted: [{ metric: METRICS.componentImpacted, labels: { component: 'orders', tier: 'service', root_cause: 'postgresql-primary' }, value: 1 }],
  maintenance: [
    { metric: METRICS.componentUnderMaintenance, labels: { component: 'postgresql-primary', window: 'pg-upgrade' }, value: 1 },
    { metric: METRICS.componentUnderMaintenance, labels: { component: 'search', window: 'reindex' }, value: 1 },
  ],
  planned: [
    { metric: METRICS.componentPlannedOutage, labels: { component: 'postgresql-primary', tier: 'infrastructure' }, value: 1 },
    { metric: METRICS.componentPlannedOutage, labels: { component: 'orders', tier: 'service' }, value: 1 },
  ],
};

describe('panel: maintenance windows and planned impact', () => {
  it('joins the window and the planned flag onto the nodes', () => {
    const model = buildGraphModel(seriesFrames(series));
    const node = (id: string) => model.nodes.find((n) => n.id === id)!;
    expect(node('postgresql-primary')).toMatchObject({ state: 'major_outage', maintenanceWindow: 'pg-upgrade', planned: true });
    expect(node('orders')).toMatchObject({ state: 'major_outage', rootCauses: ['postgresql-primary'], planned: true });
    expect(node('orders').maintenanceWindow).toBeUndefined();
    expect(node('redis-cache').planned).toBeUndefined();
    expect(model.warnings).toEqual([]);
    expect(maintenanceWord(node('postgresql-primary'))).toBe('under maintenance');
    expect(maintenanceWord(node('orders'))).toBe('planned');
    expect(maintenanceWord(node('redis-cache'))).toBeUndefined();
    // "Hide operational" keeps an operational component under maintenance in view.
    expect(filterModel(model, new Map(), true).nodes.map((n) => n.id).sort()).toEqual(['orders', 'postgresql-primary', 'search']);
  });

  it('derives planned impact with core\'s rule when only the windows are queried (the provisioned dashboard)', () => {
    const { planned: _omit, ...onlyWindows } = series;
    const cacheDown = { ...onlyWindows, status: [...series.status, { metric: METRICS.componentStatus, labels: { component: 'worker', tier: 'service' }, value: 3 }],
      impacted: [...series.impacted, { metric: METRICS.componentImpacted, labels: { component: 'worker', tier: 'service', root_cause: 'redis-cache' }, value: 1 }] };
    const model = buildGraphModel(seriesFrames(cacheDown));
    const node = (id: string) => model.nodes.find((n) => n.id === id)!;
    expect(node('postgresql-primary').planned).toBe(true);
    expect(node('orders').planned).toBe(true);
    // worker's root cause is not under maintenance: a normal outage.
    expect(node('worker').planned).toBeUndefined();
    expect(node('search').planned).toBeUndefined();
  });
});
