import http from 'node:http';
import type net from 'node:net';
import { describe, it, expect, beforeAll, afterAll, onTestFailed } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { startPrometheus, prometheusConfigFromRepo, repoRuleFilesWithFor, type Prometheus } from '../support/prometheus.js';
import { startAlertmanager, alertmanagerConfigFromRepo, localSlackFiles, type Alertmanager } from '../support/alertmanager.js';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { ledger, lines } from './scenarios.js';

/**
 * Issue 15, acceptance 1, with the real binaries: exporter -> Prometheus (committed rules, their
 * `for:` shortened to 3 s so a 5-minute warning fires in seconds) -> Alertmanager (committed
 * routes and templates, one webhook per receiver) -> Slack stand-in (channel from the URL).
 * One service gets slow (a slow burn: #on-call only), then fails (an outage: #engineering only)
 * while the warning was firing: #on-call hears the warning end when the outage begins, not
 * when it ends.
 */

type Mode = 'fast' | 'slow' | 'down';

async function controllableService(): Promise<{ url: string; mode: Mode; stop(): Promise<void> }> {
  const state = { mode: 'fast' as Mode };
  const server = http.createServer((req, res) => {
    req.resume();
    const reply = () => res.writeHead(state.mode === 'down' ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    // 200 ms against a 40 ms baseline: 5x, over the 2x that makes a component degraded.
    if (state.mode === 'slow') setTimeout(reply, 200); else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/health`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  });
}

/** "shop: Degraded for 5 minutes or more (latency 5.0x baseline)" -> "shop: Degraded for 5 minutes or more". */
const alertKey = (line: string): string | undefined =>
  /^(shop: (?:Degraded for 5 minutes or more|Major outage|Partial outage|latency trend will cross 2x baseline within the hour))/.exec(line)?.[1];

describe('end to end: a slow burn in #on-call only, an outage in #engineering only, every recovery on time', () => {
  const dir = tempDir('statusgraph-e2e-channels-');
  let shop: Awaited<ReturnType<typeof controllableService>>;
  let slack: SlackWebhook;
  let am: Alertmanager;
  let exporter: RunningExporter;
  let prom: Prometheus;

  beforeAll(async () => {
    shop = await controllableService();
    slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] });
    am = await startAlertmanager(alertmanagerConfigFromRepo({ ...localSlackFiles(dir.path, slack.webhook), groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' }));
    exporter = await startExporter({
      config: [
        'interval: 1s',
        'timeout: 800ms',
        'components:',
        '  - name: shop',
        '    tier: service',
        '    probes:',
        `      - { kind: http, url: "${shop.url}", baseline: 40ms }`,
        '',
      ].join('\n'),
    });
    prom = await startPrometheus({
      configYaml: prometheusConfigFromRepo({
        exporter: `127.0.0.1:${exporter.port}`,
        alertmanager: `127.0.0.1:${am.port}`,
        interval: '1s',
        ruleFiles: repoRuleFilesWithFor(dir.path, '3s'),
      }),
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
    await am?.stop();
    await slack?.stop();
    await shop?.stop();
    dir.remove();
  });

  it('degraded -> #on-call; outage -> #engineering and the warning\'s recovery in #on-call while the outage goes on; restore -> #engineering recovery', async () => {
    await until('shop available in Prometheus', async () => (await prom.query('component:statusgraph_available:bool{component="shop"} == 1')).length === 1, 60_000, 200);
    onTestFailed(() => { console.log(JSON.stringify(slack.messages.map((m) => [m.channel, m.text]))); });

    shop.mode = 'slow';
    const warned = await slack.waitFor('shop degraded in #on-call', (m) => lines(m).some((l) => l.startsWith('shop: Degraded for 5 minutes or more')), 60_000);
    expect(warned.channel).toBe('#on-call');
    expect(warned.body.attachments?.[0]).toMatchObject({ title: 'Warning: shop', color: 'warning' });

    shop.mode = 'down';
    const outage = await slack.waitFor('shop outage', (m) => lines(m).includes('shop: Major outage'), 60_000);
    expect(outage.channel).toBe('#engineering');
    const recovered = await slack.waitFor('the warning\'s recovery in #on-call', (m) => m.channel === '#on-call' && lines(m).some((l) => /^shop: Degraded for 5 minutes or more.*: resolved after \S+$/.test(l)), 60_000);
    // Heard while the outage still goes on: the outage alert is still firing in Alertmanager.
    const stillOut = (await am.alerts()).find((a) => a.labels.alertname === 'StatusgraphMajorOutage' && a.labels.component === 'shop');
    expect(stillOut?.status.state).toBe('active');
    expect(new Date(stillOut!.endsAt).getTime()).toBeGreaterThan(recovered.receivedAt);

    shop.mode = 'fast';
    const back = await slack.waitFor('shop outage recovery in #engineering', (m) => m.channel === '#engineering' && lines(m).some((l) => l.startsWith('shop: Major outage: resolved after')), 60_000);
    expect(back.body.attachments?.[0]).toMatchObject({ title: 'Recovered: shop', color: 'good' });

    // Once every alert is over, each channel heard the end of everything it heard about.
    await until('no alert of shop active', async () => (await prom.query('ALERTS{component="shop"}')).length === 0, 60_000, 200);
    for (const channel of ['#engineering', '#on-call']) {
      await until(`every ${channel} alert recovered`, () => {
        const c = ledger(slack.messages, alertKey).get(channel)!;
        return [...c.fired].every((k) => c.recovered.has(k));
      }, 30_000, 200);
    }
    const counts = ledger(slack.messages, alertKey);
    console.log(`[e2e-channels] ${JSON.stringify(Object.fromEntries([...counts].map(([ch, c]) => [ch, [...c.fired]])))}`);
    // Slow burns only in #on-call, outages only in #engineering.
    expect(slack.inChannel('#engineering').some((m) => /Degraded|latency trend/.test(m.text))).toBe(false);
    expect(slack.inChannel('#on-call').some((m) => /Major outage|Partial outage/.test(m.text))).toBe(false);
    expect(slack.rejected).toEqual([]);
  });
});
