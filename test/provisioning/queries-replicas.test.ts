/*
 * The dashboard with two replicas scraped (issue 22, item 5; docs/cluster.md "Prometheus and
 * Alertmanager"): a real Prometheus scrapes two real exporters of one config, whose series differ
 * only in `instance` as a cluster's replicas' do. Every query of every panel must still answer
 * (the info joins would otherwise find two info series per component: many-to-many) with one
 * series per component, never one per replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { prometheusConfigFromRepo, startPrometheus, type Prometheus } from '../support/prometheus.js';
import { HttpTarget } from '../support/targets.js';
import YAML from 'yaml';
import { allPanels, loadDashboard } from './lib/dashboard.js';
import { substitute } from './lib/promql.js';
import { DASHBOARD_FILE } from './lib/paths.js';

const dashboard = loadDashboard(DASHBOARD_FILE);
// Every selection "All"; Grafana's built-ins as it would set them at a 1 s scrape.
const VARS = { tier: '.+', component: '.+', environment: '.+', __rate_interval: '4s', __interval: '1s', __range: '60s', __range_s: '60', __range_ms: '60000', __interval_ms: '1000' };
const COMPONENTS = ['api', 'db', 'frontend'];

const config = (okUrl: string) => `
interval: 1s
timeout: 500ms
components:
  - { name: frontend, tier: service, display_name: Frontend, depends_on: [api], probes: [{ kind: http, url: "${okUrl}" }] }
  - { name: api, tier: service, display_name: API, depends_on: [db], probes: [{ kind: http, url: "${okUrl}" }] }
  # Nothing listens on port 1: a major outage, with impact on api and frontend.
  - { name: db, tier: infrastructure, display_name: Database, probes: [{ kind: tcp, address: "127.0.0.1:1" }] }
`;

let target: HttpTarget;
const replicas: RunningExporter[] = [];
let prom: Prometheus;

beforeAll(async () => {
  target = await HttpTarget.start();
  for (let i = 0; i < 2; i++) replicas.push(await startExporter({ config: config(target.url) }));
  const cfg = YAML.parse(prometheusConfigFromRepo({ exporter: `127.0.0.1:${replicas[0]!.port}`, interval: '1s', rules: false }));
  cfg.scrape_configs[0].static_configs = [{ targets: replicas.map((r) => `127.0.0.1:${r.port}`) }];
  prom = await startPrometheus({ configYaml: YAML.stringify(cfg) });
  await until('both replicas scraped, db in outage in both', async () =>
    (await prom.query('statusgraph_component_status{component="db"} == 3')).length === 2
    && (await prom.query('count_over_time(up{job="statusgraph"}[5s]) >= 3')).length === 2, 60_000, 250);
});

afterAll(async () => {
  await prom?.stop();
  for (const r of replicas) await r.stop();
  await target?.down();
});

describe('the dashboard over two scraped replicas', () => {
  it('the raw series are doubled: one per replica (what the queries must fold)', async () => {
    expect((await prom.query('statusgraph_component_status')).length).toBe(2 * COMPONENTS.length);
  });

  it('every panel query answers with one series per component (probe, edge, root cause), none per replica', async () => {
    const doubled: string[] = [];
    let answered = 0;
    for (const panel of allPanels(dashboard)) {
      for (const t of panel.targets ?? []) {
        const expr = substitute(t.expr, VARS);
        const rows = await prom.query(expr).catch((e: Error) => { throw new Error(`panel ${panel.id} "${panel.title}" ${t.refId}: ${e.message}\n${expr}`); });
        if (rows.length > 0) answered++;
        const keys = rows.map((r) => JSON.stringify(Object.entries(r.metric).filter(([k]) => k !== 'instance').sort()));
        if (new Set(keys).size !== keys.length) doubled.push(`panel ${panel.id} "${panel.title}" ${t.refId}: ${expr}`);
      }
    }
    expect(doubled).toEqual([]);
    // Recording-rule panels are empty here (no rules loaded); the rest answered.
    expect(answered).toBeGreaterThan(15);
  });

  it('the dependency panel gets each component\'s state once, and the summary tiles count components once', async () => {
    const panel = allPanels(dashboard).find((p) => p.type === 'statusgraph-dependencies-panel')!;
    const status = await prom.query(substitute(panel.targets!.find((t) => t.refId === 'status')!.expr, VARS));
    expect(status.map((r) => [r.metric.component, r.value[1]]).sort()).toEqual([['api', '0'], ['db', '3'], ['frontend', '0']]);
    const notOperational = allPanels(dashboard).find((p) => p.title === 'Not operational')!;
    const [n] = await prom.query(substitute(notOperational.targets![0]!.expr, VARS));
    expect(n!.value[1]).toBe('1');
    const impacted = allPanels(dashboard).find((p) => p.title === 'Impacted')!;
    const [m] = await prom.query(substitute(impacted.targets![0]!.expr, VARS));
    expect(m!.value[1]).toBe('2');
  });
});
