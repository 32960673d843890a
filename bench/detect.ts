/*
 * Detection latency: a target stops -> its state changes in the snapshot -> the committed
 * Prometheus rules and Alertmanager routes -> a message at the Slack stand-in.
 *
 *   npx tsx bench/detect.ts [--trials 3] [--background 1000] [--interval 30] [--scrape 15]
 *
 * Defaults are production settings: 30 s probe interval, the committed prometheus.yml (15 s
 * scrape and evaluation) and alertmanager.yml (5 s group_wait for #engineering). Each trial
 * stops a different victim service (its own alert group, so Alertmanager's group_interval of an
 * earlier trial does not delay it) at a random point of the probe cycle, while the exporter also
 * probes `background` components on nginx. The snapshot is followed through the SSE stream.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HttpTarget } from '../test/support/targets.js';
import { startPrometheus, prometheusConfigFromRepo, type Prometheus } from '../test/support/prometheus.js';
import { startAlertmanager, alertmanagerConfigFromRepo, localSlackFiles, type Alertmanager } from '../test/support/alertmanager.js';
import { startSlackWebhook, type SlackWebhook } from '../test/support/slack-webhook.js';
import { until } from '../test/support/ports.js';
import { tempDir } from '../test/support/tmp.js';
import { startNginx, type Nginx } from './lib/nginx.js';
import { startBenchExporter, type BenchExporter } from './lib/exporter.js';
import { followSnapshots } from './lib/sse.js';
import { statusgraphHttpConfig } from './lib/configs.js';
import { loadAverage } from './lib/proc.js';
import { percentile } from './lib/stats.js';
import { writeResults } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    background: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '30' },
    /** Prometheus scrape and evaluation interval; 15 is the committed one. */
    scrape: { type: 'string', default: '15' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const trials = Number(args.trials);
const background = Number(args.background);
const intervalSeconds = Number(args.interval);
const scrapeSeconds = Number(args.scrape);
if (!(trials >= 1) || !(background >= 0) || !(intervalSeconds >= 2) || !(scrapeSeconds >= 1)) throw new Error('bad arguments');
const intervalMs = intervalSeconds * 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = tempDir('statusgraph-bench-detect-');
const victims: HttpTarget[] = [];
let nginx: Nginx | undefined, exporter: BenchExporter | undefined, prom: Prometheus | undefined, am: Alertmanager | undefined, slack: SlackWebhook | undefined;
let sse: { close(): void } | undefined;
try {
  for (let i = 0; i < trials; i++) victims.push(await HttpTarget.start());
  nginx = await startNginx(dir.path);
  slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] });
  // The committed routes and timers, unchanged: only the webhook files and template paths are local.
  am = await startAlertmanager(alertmanagerConfigFromRepo(localSlackFiles(dir.path, slack.webhook)));

  const victimName = (i: number) => `victim-${i + 1}`;
  // Victims spread evenly through the component list, so that their turns fall at different
  // phases of the probe cycle relative to Prometheus's scrape and evaluation cycle.
  const victimYaml = (i: number) => `  - name: ${victimName(i)}\n    tier: service\n    probes:\n      - kind: http\n        url: ${victims[i]!.url}\n`;
  const backgroundYaml = background > 0
    ? statusgraphHttpConfig({ n: background, origin: nginx.origin, prefix: '/bg/', intervalSeconds }).split(/(?=^  - name: )/m)
    : [`interval: ${intervalSeconds}s\ntimeout: ${Math.min(10, intervalSeconds / 2)}s\ncomponents:\n`];
  const [head, ...items] = backgroundYaml;
  let config = head!;
  let next = 0;
  items.forEach((item, j) => {
    while (next < trials && Math.floor((next * items.length) / trials) === j) config += victimYaml(next++);
    config += item;
  });
  while (next < trials) config += victimYaml(next++);
  exporter = await startBenchExporter({ dir: dir.path, config });
  prom = await startPrometheus({
    configYaml: prometheusConfigFromRepo({
      exporter: `127.0.0.1:${exporter.port}`,
      alertmanager: `127.0.0.1:${am.port}`,
      ...(scrapeSeconds !== 15 ? { interval: `${scrapeSeconds}s` } : {}),
    }),
  });

  // Latest state of each victim as the SSE stream shows it, with the time it arrived.
  const seen = new Map<string, { state: string; receivedAt: number; checkedAt?: number }>();
  sse = await followSnapshots(exporter.url, (data, receivedAt) => {
    for (const c of data.components as any[]) {
      if (!c.name.startsWith('victim-')) continue;
      const prev = seen.get(c.name);
      if (prev?.state === c.state) continue;
      const failing = (c.probes as any[]).find((p) => !p.success);
      seen.set(c.name, { state: c.state, receivedAt, ...(failing ? { checkedAt: Date.parse(failing.checkedAt) } : {}) });
    }
  });

  console.error('waiting until Prometheus sees every victim operational');
  await until('victims operational in Prometheus', async () => {
    const r = await prom!.query('statusgraph_component_status{component=~"victim-.*"} == 0');
    return r.length === trials;
  }, 120_000, 500);

  interface Trial {
    victim: string;
    loadAverage: string;
    stopToProbeMs: number | null;
    probeToSnapshotMs: number | null;
    stopToSnapshotMs: number;
    snapshotToSlackMs: number;
    stopToSlackMs: number;
  }
  const results: Trial[] = [];
  for (let i = 0; i < trials; i++) {
    const name = victimName(i);
    // A random point of the probe cycle and of the scrape/evaluation cycle.
    await sleep(Math.random() * intervalMs);
    const load = loadAverage();
    const stoppedAt = Date.now();
    await victims[i]!.down();
    const snap = await until(`${name} in major_outage in the snapshot`, () => {
      const s = seen.get(name);
      return s?.state === 'major_outage' ? s : undefined;
    }, intervalMs * 3, 20);
    const msg = await slack.waitFor(`${name} outage in #engineering`, (m) => m.channel === '#engineering' && m.text.includes(`${name}: Major outage`), 180_000);
    const r: Trial = {
      victim: name,
      loadAverage: load,
      stopToProbeMs: snap.checkedAt !== undefined ? snap.checkedAt - stoppedAt : null,
      probeToSnapshotMs: snap.checkedAt !== undefined ? snap.receivedAt - snap.checkedAt : null,
      stopToSnapshotMs: snap.receivedAt - stoppedAt,
      snapshotToSlackMs: msg.receivedAt - snap.receivedAt,
      stopToSlackMs: msg.receivedAt - stoppedAt,
    };
    console.log(JSON.stringify(r));
    results.push(r);
    await victims[i]!.up();
  }
  const pick = (k: keyof Trial) => results.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
  const summary = Object.fromEntries((['stopToProbeMs', 'probeToSnapshotMs', 'stopToSnapshotMs', 'snapshotToSlackMs', 'stopToSlackMs'] as const)
    .map((k) => [k, { min: Math.min(...pick(k)), p50: percentile(pick(k), 50), max: Math.max(...pick(k)) }]));
  console.log(JSON.stringify(summary));
  writeResults(args.out, 'detect', { settings: { trials, background, intervalSeconds, scrapeSeconds }, results, summary });
} finally {
  sse?.close();
  await prom?.stop().catch(() => undefined);
  await exporter?.stop().catch(() => undefined);
  await am?.stop().catch(() => undefined);
  await slack?.stop().catch(() => undefined);
  await nginx?.stop().catch(() => undefined);
  for (const v of victims) await v.down().catch(() => undefined);
  dir.remove();
}
