import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll, onTestFailed } from 'vitest';
import { parseConfig } from '../../exporter/src/config/load.js';
import { PROBE_KINDS } from '../../exporter/src/probes/registry.js';
import { sloRuleFile } from '../../exporter/src/slo/rules.js';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { startPrometheus, prometheusConfigFromRepo, repoRuleFilesWithFor, type Prometheus } from '../support/prometheus.js';
import { startAlertmanager, alertmanagerConfigFromRepo, localSlackFiles, type Alertmanager } from '../support/alertmanager.js';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { lines } from './scenarios.js';

/**
 * Issue 21, acceptances 3 and 4, with the real binaries: exporter -> Prometheus (the committed
 * rules, plus `statusgraph rules` of this test's config) -> Alertmanager (committed routes) ->
 * Slack stand-in. A hard outage of db, which api depends on, burns both budgets: the fast-burn
 * page comes once, for db, and api's burn (charged to db) sends nothing of its own. Then the
 * exporter is killed with SIGKILL and started again on the same address: its counters start from
 * zero, Prometheus counts that as a reset, and the burn does not drop. The slow-burn ticket of a
 * trickle needs days of history: slo-slow-burn.test.ts checks it with these binaries on
 * backfilled data (and the generated promtool cases, provisioning/prometheus/tests/slo.test.yml,
 * with synthetic time).
 */

async function switchable(): Promise<{ url: string; up: boolean; stop(): Promise<void> }> {
  const state = { up: true };
  const server = http.createServer((req, res) => { req.resume(); res.writeHead(state.up ? 200 : 503).end(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/health`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  });
}

const FAST = 'burning its error budget fast';

describe('end to end: SLO burn-rate alerts, one page per root cause, counters across a kill -9', () => {
  const dir = tempDir('statusgraph-e2e-slo-');
  let db: Awaited<ReturnType<typeof switchable>>;
  let api: Awaited<ReturnType<typeof switchable>>;
  let slack: SlackWebhook;
  let am: Alertmanager;
  let exporter: RunningExporter;
  let prom: Prometheus;
  let config: string;

  beforeAll(async () => {
    db = await switchable();
    api = await switchable();
    config = [
      'interval: 1s',
      'timeout: 800ms',
      'slo_defaults:',
      '  service: { objective: 99.9, window: 30d }',
      '  infrastructure: { objective: 99.9, window: 30d }',
      'components:',
      '  - { name: api, tier: service, depends_on: [db], probes: [{ kind: http, url: "' + api.url + '" }] }',
      '  - { name: db, tier: infrastructure, probes: [{ kind: http, url: "' + db.url + '" }] }',
      '',
    ].join('\n');
    const generated = path.join(dir.path, 'slo-under-test.yml');
    fs.writeFileSync(generated, sloRuleFile(parseConfig(config, 'e2e.yml', { env: {}, probeKinds: PROBE_KINDS }).components, 'e2e.yml'));
    const committed = repoRuleFilesWithFor(dir.path, '3s').filter((f) => path.basename(f) !== 'slo.yml');
    slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] });
    am = await startAlertmanager(alertmanagerConfigFromRepo({ ...localSlackFiles(dir.path, slack.webhook), groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' }));
    exporter = await startExporter({ config });
    prom = await startPrometheus({
      configYaml: prometheusConfigFromRepo({
        exporter: `127.0.0.1:${exporter.port}`, alertmanager: `127.0.0.1:${am.port}`, interval: '1s', ruleFiles: [...committed, generated],
      }),
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
    await am?.stop();
    await slack?.stop();
    await db?.stop();
    await api?.stop();
    dir.remove();
  });

  it('a hard outage of the root cause pages once, for the root cause; the dependent\'s burn is charged to it and sends nothing', async () => {
    onTestFailed(() => { console.log(JSON.stringify(slack.messages.map((m) => [m.channel, m.text]))); });
    await until('both available in Prometheus', async () => (await prom.query('component:statusgraph_available:bool == 1')).length === 2, 60_000, 200);
    await until('a 5m error ratio for both', async () => (await prom.query('component:statusgraph_slo_errors:ratio_rate5m == 0')).length === 2, 60_000, 200);
    db.up = false;
    api.up = false;
    const page = await slack.waitFor('db fast burn', (m) => lines(m).includes(`db: ${FAST}`), 90_000);
    expect(page.channel).toBe('#engineering');
    // api's own alert exists, charged to db: it is announced through db's message only.
    await until('api fast burn charged to db', async () => (await prom.query(`ALERTS{alertname="StatusgraphSloFastBurn",alertstate="firing",component="api",root_cause="db",impacted="true"}`)).length === 1, 60_000, 200);
    const apiAlert = await until('api\'s alert in Alertmanager', async () => (await am.alerts()).find((a) => a.labels.alertname === 'StatusgraphSloFastBurn' && a.labels.component === 'api'), 30_000, 200);
    expect(apiAlert.labels).toMatchObject({ cause: 'upstream', root_cause: 'db', impacted: 'true' });
    // Several flushes of every group later (group_interval 1 s), still one page.
    const settled = Date.now() + 5_000;
    await until('a few more group flushes', async () => Date.now() > settled, 10_000, 500);
    const burns = slack.messages.filter((m) => lines(m).some((l) => l.includes(FAST)) && String(m.body.attachments?.[0]?.title).startsWith('Outage'));
    const fastLines = slack.messages.flatMap((m) => lines(m).filter((l) => l.includes(FAST)).map((l) => [m.channel, l]));
    expect(fastLines.filter(([, l]) => l === `db: ${FAST}`)).toHaveLength(1);
    expect(fastLines.filter(([, l]) => l!.startsWith('api:'))).toEqual([]);
    expect(burns.every((m) => m.channel === '#engineering')).toBe(true);
    expect(slack.inChannel('#on-call').some((m) => m.text.includes(FAST))).toBe(false);
  }, 180_000);

  it('after kill -9 and a restart the counters start from zero, Prometheus sees a reset and the burn does not drop', async () => {
    const before = Number((await prom.query('component:statusgraph_slo_errors:ratio_rate1h{component="db"}'))[0]!.value[1]);
    expect(before).toBeGreaterThan(0.5);
    const port = exporter.port;
    await exporter.kill('SIGKILL');
    exporter = await startExporter({ config, port });
    await until('a sample of the new process scraped', async () => (await prom.query('resets(statusgraph_component_rounds_total{component="db"}[2m]) >= 1')).length === 1, 60_000, 200);
    // Several scrapes after the restart: the counters are far below their old values.
    await until('10 rounds of the new process', async () => Number((await prom.query('statusgraph_component_rounds_total{component="db"}'))[0]?.value[1] ?? 0) >= 10, 60_000, 200);
    const rounds = await prom.query('increase(statusgraph_component_rounds_total{component="db"}[1h])');
    const after = Number((await prom.query('component:statusgraph_slo_errors:ratio_rate1h{component="db"}'))[0]!.value[1]);
    // increase() adds across the reset: more rounds than the new process made.
    expect(Number(rounds[0]!.value[1])).toBeGreaterThan(10);
    expect(after).toBeGreaterThanOrEqual(before);
    // db has been down since before the kill: its error ratio over the hour only rises, through the
    // kill, the gap and the restart. A reset read as a drop would make it fall.
    const end = new Date();
    const series = await prom.queryRange('component:statusgraph_slo_errors:ratio_rate1h{component="db"}', new Date(end.getTime() - 40_000), end, 1);
    const values = series[0]!.values.map(([, v]) => Number(v));
    expect(values.length).toBeGreaterThanOrEqual(15);
    for (let i = 1; i < values.length; i++) expect(values[i]!, `sample ${i} of ${values.join(', ')}`).toBeGreaterThanOrEqual(values[i - 1]! - 1e-9);
  }, 120_000);
});
