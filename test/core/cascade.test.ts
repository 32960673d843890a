import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, metricValue, type RunningExporter } from '../support/exporter.js';
import { chainComponents, startChain, type HttpTarget, type TcpTarget } from '../support/targets.js';
import { until } from '../support/ports.js';

// Acceptance 2: a three-level chain (frontend -> api -> db). Stopping the bottom server marks it
// major and every transitive dependent impacted with root_cause=db, in /metrics and the API,
// within one interval of the failure.
describe('dependency cascade', () => {
  let db: TcpTarget, api: HttpTarget, frontend: HttpTarget;
  let exp: RunningExporter;
  const INTERVAL_MS = 2_000;

  beforeAll(async () => {
    const chain = await startChain();
    ({ db, api, top: frontend } = chain);
    exp = await startExporter({ config: `
interval: 2s
timeout: 1s
${chainComponents(chain, 'frontend')}` });
  });
  afterAll(async () => {
    await exp?.stop();
    await Promise.all([db?.down(), api?.down(), frontend?.down()]);
  });

  it('exports the graph edges', async () => {
    const m = await exp.metrics();
    expect(metricValue(m, 'statusgraph_dependency_info', { component: 'frontend', depends_on: 'api' })).toBe(1);
    expect(metricValue(m, 'statusgraph_dependency_info', { component: 'api', depends_on: 'db' })).toBe(1);
    expect(metricValue(m, 'statusgraph_component_impacted', { component: 'api' })).toBeUndefined();
  });

  it('stopping the bottom marks it major and the chain impacted with root_cause=db within one interval', async () => {
    await db.down();
    const stoppedAt = Date.now();
    const m = await until('impact in /metrics', async () => {
      const text = await exp.metrics();
      return metricValue(text, 'statusgraph_component_impacted', { component: 'frontend', root_cause: 'db' }) === 1 ? text : undefined;
    }, 10_000, 20);
    const elapsed = Date.now() - stoppedAt;
    // Within one interval of the failure (plus the publish window and one scrape's slack).
    expect(elapsed).toBeLessThan(INTERVAL_MS + 1_000);
    expect(metricValue(m, 'statusgraph_component_status', { component: 'db', tier: 'infrastructure' })).toBe(3);
    expect(metricValue(m, 'statusgraph_component_impacted', { component: 'api', tier: 'service', root_cause: 'db' })).toBe(1);
    expect(metricValue(m, 'statusgraph_component_impacted', { component: 'db' })).toBeUndefined();
    // Their own probes still pass: own state and impact are separate facts.
    expect(metricValue(m, 'statusgraph_component_status', { component: 'api', tier: 'service' })).toBe(0);

    const c = new Map((await exp.components()).map((x) => [x.name, x]));
    expect(c.get('db')).toMatchObject({ state: 'major_outage', impacted: false, rootCauses: [], dependents: ['api', 'frontend'] });
    expect(c.get('api')).toMatchObject({ state: 'operational', impacted: true, rootCauses: ['db'] });
    expect(c.get('frontend')).toMatchObject({ state: 'operational', impacted: true, rootCauses: ['db'] });
    const log = exp.logLines().find((l) => l.event === 'state_change' && l.component === 'db');
    expect(log).toMatchObject({ from: 'operational', to: 'major_outage', reason: 'refused' });
  });

  it('a failing middle names the bottom as root cause for the top', async () => {
    api.set({ status: 503 });
    const c = await until('api down too', async () => {
      const m = new Map((await exp.components()).map((x) => [x.name, x]));
      return m.get('api').state === 'major_outage' ? m : undefined;
    });
    expect(c.get('frontend').rootCauses).toEqual(['db']);
    const log = await until('api transition logged', () => exp.logLines().find((l) => l.event === 'state_change' && l.component === 'api'));
    expect(log).toMatchObject({ to: 'major_outage', root_cause: 'db' });
  });

  it('restoring the bottom clears the impact', async () => {
    api.set({ status: 200 });
    await db.up();
    await until('impact cleared', async () => {
      const text = await exp.metrics();
      return metricValue(text, 'statusgraph_component_impacted', { component: 'frontend' }) === undefined
        && metricValue(text, 'statusgraph_component_status', { component: 'db', tier: 'infrastructure' }) === 0;
    }, 15_000);
  });
});
