import http from 'node:http';
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll, onTestFailed } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { startPrometheus, prometheusConfigFromRepo, type Prometheus } from '../support/prometheus.js';
import { startAlertmanager, alertmanagerConfigFromRepo, localSlackFiles, type Alertmanager } from '../support/alertmanager.js';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { freePort, until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';

/**
 * The whole alert pipeline with the real binaries: exporter -> Prometheus (committed rules) ->
 * Alertmanager (committed routes, inhibitions, templates) -> Slack stand-in.
 *
 * A three-level chain of real local servers: `web` (HTTP) calls `api` (HTTP), which needs `db`
 * (a TCP listener). The health endpoints really depend on what is below them, so stopping db
 * takes all three down: db is the root cause, api and web are impacted and their own outage
 * alerts must be inhibited.
 */

/** A TCP listener that can be closed (refusing connections) and opened again on the same port. */
class TcpRoot {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly port: number) {}
  async open(): Promise<void> {
    const s = net.createServer((sock) => { this.sockets.add(sock); sock.on('close', () => this.sockets.delete(sock)); sock.on('error', () => {}); });
    await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(this.port, '127.0.0.1', () => resolve()); });
    this.server = s;
  }
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** An HTTP service whose /health is 200 only when `upstreamOk()` says its dependency answers. */
async function dependentService(upstreamOk: () => Promise<boolean>): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    upstreamOk().then((ok) => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(ok ? '{"status":"ok"}' : '{"status":"dependency down"}');
    }, () => res.writeHead(503).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/health`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function tcpReachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.setTimeout(200, () => { s.destroy(); resolve(false); });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(300) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

/** "3m12s", "45s", "1m0s" (Go's time.Duration) in ms. */
function goDurationMs(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!m || text === '') throw new Error(`not a Go duration: ${text}`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

describe('end to end: root cause outage -> one Slack message -> one recovery', () => {
  const dir = tempDir('statusgraph-e2e-');
  let root: TcpRoot;
  let api: Awaited<ReturnType<typeof dependentService>>;
  let web: Awaited<ReturnType<typeof dependentService>>;
  let slack: SlackWebhook;
  let am: Alertmanager;
  let exporter: RunningExporter;
  let prom: Prometheus;

  beforeAll(async () => {
    root = new TcpRoot(await freePort());
    await root.open();
    api = await dependentService(() => tcpReachable(root.port));
    web = await dependentService(() => httpOk(api.url));

    slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] });
    am = await startAlertmanager(alertmanagerConfigFromRepo({ ...localSlackFiles(dir.path, slack.webhook), groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' }));

    exporter = await startExporter({
      config: [
        'interval: 1s',
        'timeout: 500ms',
        'components:',
        '  - name: db',
        '    tier: infrastructure',
        '    probes:',
        `      - { kind: tcp, address: "127.0.0.1:${root.port}" }`,
        '  - name: api',
        '    tier: service',
        '    depends_on: [db]',
        '    probes:',
        `      - { kind: http, url: "${api.url}" }`,
        '  - name: web',
        '    tier: service',
        '    depends_on: [api]',
        '    probes:',
        `      - { kind: http, url: "${web.url}" }`,
        '',
      ].join('\n'),
    });

    prom = await startPrometheus({
      configYaml: prometheusConfigFromRepo({ exporter: `127.0.0.1:${exporter.port}`, alertmanager: `127.0.0.1:${am.port}`, interval: '1s' }),
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
    await am?.stop();
    await slack?.stop();
    await web?.stop();
    await api?.stop();
    await root?.close();
    dir.remove();
  });

  it('stopping the root of a three-level chain gives exactly one #engineering message naming it and its blast radius; restoring gives one resolved message with the duration', async () => {
    // Healthy pipeline first: all three scraped, recorded, evaluated as their own root cause.
    await until('all three components available in Prometheus', async () => {
      const r = await prom.query('component:statusgraph_root_cause:info{impacted="false"} * on (component) group_left () component:statusgraph_available:bool');
      return r.length === 3 && r.every((s) => s.value[1] === '1');
    }, 60_000, 200);
    expect(await prom.query('ALERTS{alertstate="firing"}')).toEqual([]);

    const stoppedAt = Date.now();
    // On failure, print what Prometheus saw and what Slack got, second by second from the stop.
    onTestFailed(async () => {
      for (const q of ['statusgraph_component_status', 'statusgraph_component_impacted', 'ALERTS']) {
        const r = await prom.queryRange(q, new Date(stoppedAt - 3000), new Date(), 1);
        console.log(q, JSON.stringify(r.map((x) => [x.metric, x.values.map(([t, v]) => `${Math.round(t * 1000 - stoppedAt)}:${v}`).join(' ')])));
      }
      console.log(JSON.stringify(slack.messages.map((m) => [m.receivedAt - stoppedAt, m.text])));
    });
    await root.close();

    const firing = await slack.waitFor('db outage in #engineering', (m) => m.channel === '#engineering' && m.text.includes('db: Major outage'), 60_000);
    const stopToSlackMs = firing.receivedAt - stoppedAt;
    console.log(`[e2e] stop root -> Slack #engineering message: ${stopToSlackMs} ms`);

    expect(firing.text).toContain('Blast radius: api, web');
    expect(firing.body.attachments?.[0]).toMatchObject({ title: 'Outage: db', color: 'danger' });

    // The dependents really were down and alerting too, and Alertmanager inhibited them.
    await until('api and web alerts inhibited by db', async () => {
      const alerts = await am.alerts();
      const state = (c: string) => alerts.find((a) => a.labels.component === c && a.labels.alertname === 'StatusgraphMajorOutage')?.status;
      return state('db')?.state === 'active'
        && state('api')?.state === 'suppressed' && (state('api')?.inhibitedBy.length ?? 0) > 0
        && state('web')?.state === 'suppressed' && (state('web')?.inhibitedBy.length ?? 0) > 0;
    }, 30_000, 200);
    const apiAlert = (await am.alerts()).find((a) => a.labels.component === 'api');
    expect(apiAlert?.labels).toMatchObject({ root_cause: 'db', impacted: 'true', severity: 'critical' });
    expect(apiAlert?.annotations.summary).toBe('api: Major outage (dependency: db unhealthy)');

    const restoredAt = Date.now();
    await root.open();

    const resolved = await slack.waitFor('db recovery in #engineering', (m) => m.channel === '#engineering' && m.text.includes('resolved after'), 60_000);
    console.log(`[e2e] restore root -> Slack resolved message: ${resolved.receivedAt - restoredAt} ms`);
    const match = /db: Major outage: resolved after (\S+)/.exec(resolved.text);
    expect(match, resolved.text).not.toBeNull();
    const reportedMs = goDurationMs(match![1]!);
    const outageMs = restoredAt - stoppedAt;
    console.log(`[e2e] outage lasted ${outageMs} ms, Slack says "resolved after ${match![1]}"`);
    // Detection and recovery each lag by a probe cycle or two (recover_after: 2) and an evaluation.
    expect(reportedMs).toBeGreaterThanOrEqual(outageMs - 3000);
    expect(reportedMs).toBeLessThanOrEqual(outageMs + 8000);
    expect(resolved.text).not.toContain('(dependency:');
    expect(resolved.body.attachments?.[0]).toMatchObject({ title: 'Recovered: db', color: 'good' });

    // Everything resolved in Alertmanager; the channel got exactly those two messages.
    await until('no active alerts left', async () => (await am.alerts()).every((a) => new Date(a.endsAt).getTime() <= Date.now() || a.status.state !== 'active'), 30_000, 200);
    const engineering = slack.messages.filter((m) => m.channel === '#engineering');
    expect(engineering.map((m) => m.body.attachments?.[0]?.title)).toEqual(['Outage: db', 'Recovered: db']);
    expect(slack.messages.some((m) => m.text.includes('(dependency: db unhealthy)') && !m.text.includes('resolved'))).toBe(false);
    // An outage is #engineering's alone: #on-call's webhook got nothing.
    expect(slack.inChannel('#on-call')).toEqual([]);
    expect(slack.rejected).toEqual([]);
  });
});
