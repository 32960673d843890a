import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import YAML from 'yaml';
import { buildReport, postToSlack } from '../../exporter/src/reports/index.js';
import { promClient } from '../../exporter/src/reports/promql.js';
import { startPrometheus, prometheusConfigFromRepo, backfillOpenMetrics, backfillRules, repoRuleFiles, type Prometheus } from '../support/prometheus.js';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { tempDir } from '../support/tmp.js';
import { CLI } from '../support/exporter.js';
import { execFile } from 'node:child_process';

/**
 * Reports against a real Prometheus holding 15 days of real samples: the raw exporter series are
 * backfilled with `promtool tsdb create-blocks-from openmetrics`, then the committed recording
 * rules are evaluated over that history with `promtool tsdb create-blocks-from rules`, exactly as
 * Prometheus would have recorded them live. Every number in the markdown is checked against a
 * value this test computes from its own sample arrays.
 */

const MIN = 60_000;
const DAY = 1440 * MIN;
// One sample every 5 minutes (under Prometheus's 5-minute lookback) keeps the backfill quick.
const STEP = 5 * MIN;
const TZ = 'Europe/Berlin';

// Raw samples sit on the 5-minute grid of the epoch. The rules backfill evaluates them the way
// Prometheus does live, at the grid plus an offset it derives from the rule group (δ, under one
// interval): the recorded sample at g + δ carries the raw value at g. The report therefore runs
// one second after the last recorded sample (lastSample + δ + 1 s): its windows then hold exactly
// the grid points (lastSample - window, lastSample], and no edge falls on a sample.
const lastSample = Math.floor((Date.now() - 3 * MIN) / STEP) * STEP;
let reportNow = lastSample + 1000;
const firstSample = lastSample - 15 * DAY;
const times: number[] = [];
for (let t = firstSample; t <= lastSample; t += STEP) times.push(t);

interface Spell { component: string; state: number; startMs: number; minutes: number }
const at = (minutesAgo: number) => lastSample - minutesAgo * MIN;
// Outages and degradations, as exporter states; api depends on db, so db's outages take api down.
const spells: Spell[] = [
  { component: 'db', state: 3, startMs: at(300), minutes: 15 }, // today, an incident
  { component: 'cache', state: 1, startMs: at(180), minutes: 45 }, // today, a degradation
  { component: 'cache', state: 2, startMs: at(3 * 1440 + 10), minutes: 25 }, // this week, an incident
  { component: 'db', state: 3, startMs: at(10 * 1440 + 100), minutes: 30 }, // previous week
];
const components = [
  { component: 'api', tier: 'service', probe: 'http' },
  { component: 'cache', tier: 'infrastructure', probe: 'redis' },
  { component: 'db', tier: 'infrastructure', probe: 'postgres' },
];

function ownState(component: string, t: number): number {
  let s = 0;
  for (const sp of spells) if (sp.component === component && t >= sp.startMs && t < sp.startMs + sp.minutes * MIN) s = Math.max(s, sp.state);
  return s;
}
function state(component: string, t: number): number {
  return component === 'api' ? Math.max(ownState('api', t), ownState('db', t) >= 2 ? 3 : 0) : ownState(component, t);
}
function impactedBy(component: string, t: number): string | undefined {
  return component === 'api' && ownState('db', t) >= 2 ? 'db' : undefined;
}
/** Latency: api 100 ms, 250 ms in the last day; cache 2 ms, 3 ms in the last day; db 10 ms. */
function duration(component: string, t: number): number {
  const recent = t > lastSample - DAY;
  if (component === 'api') return recent ? 0.25 : 0.1;
  if (component === 'cache') return recent ? 0.003 : 0.002;
  return 0.01;
}
const success = (component: string, t: number) => (state(component, t) >= 2 ? 0 : 1);

function openMetrics(): string {
  const lines: string[] = [];
  const base = (c: { component: string; tier: string }) => `component="${c.component}",instance="exp:9470",job="statusgraph",tier="${c.tier}"`;
  const family = (name: string, series: [string, (t: number) => number | undefined][]) => {
    lines.push(`# TYPE ${name} gauge`);
    for (const [labels, value] of series) {
      for (const t of times) {
        const v = value(t);
        if (v !== undefined) lines.push(`${name}{${labels}} ${v} ${t / 1000}`);
      }
    }
  };
  family('statusgraph_component_status', components.map((c) => [base(c), (t) => state(c.component, t)]));
  family('statusgraph_component_info', components.map((c) => [`${base(c)},display_name="${c.component}",environment="production",runbook=""`, () => 1]));
  family('statusgraph_component_impacted', [[`component="api",instance="exp:9470",job="statusgraph",root_cause="db",tier="service"`, (t) => (impactedBy('api', t) ? 1 : undefined)]]);
  family('statusgraph_probe_duration_seconds', components.map((c) => [`component="${c.component}",instance="exp:9470",job="statusgraph",probe="${c.probe}"`, (t) => (success(c.component, t) ? duration(c.component, t) : 0.5)]));
  family('statusgraph_probe_success', components.map((c) => [`component="${c.component}",instance="exp:9470",job="statusgraph",probe="${c.probe}"`, (t) => success(c.component, t)]));
  lines.push('# EOF', '');
  return lines.join('\n');
}

// ---- independent expectations, from the arrays above ------------------------------------------
function samplesIn(fromExclusive: number, toInclusive: number): number[] {
  return times.filter((t) => t > fromExclusive && t <= toInclusive);
}
function uptime(component: string, from: number, to: number): number {
  const ts = samplesIn(from, to);
  return ts.filter((t) => state(component, t) < 2).length / ts.length;
}
function meanLatency(component: string, from: number, to: number): number {
  const ts = samplesIn(from, to).filter((t) => success(component, t) === 1);
  return ts.reduce((s, t) => s + duration(component, t), 0) / ts.length;
}
const pct = (r: number) => `${(r * 100).toFixed(3)}%`;
const pp = (d: number) => { const v = Math.abs(d * 100).toFixed(3); return v === '0.000' ? '±0.000 pp' : `${d > 0 ? '+' : '-'}${v} pp`; };
const localTime = (ms: number) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};

describe('daily and weekly reports from a real Prometheus', () => {
  const dir = tempDir('statusgraph-report-');
  const dataDir = path.join(dir.path, 'data');
  let prom: Prometheus;
  let slack: SlackWebhook;

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    let t0 = Date.now();
    await backfillOpenMetrics(openMetrics(), dataDir);
    console.log(`[report] openmetrics backfill: ${Date.now() - t0} ms`);
    t0 = Date.now();
    // No live rule evaluation: every recorded sample comes from the backfill of the history.
    prom = await startPrometheus({ configYaml: prometheusConfigFromRepo({ rules: false }), dataDir });
    console.log(`[report] prometheus start: ${Date.now() - t0} ms`);
    const rulesOut = path.join(dir.path, 'rules-blocks');
    // (--end is exclusive: one step past the last sample.)
    // Only the rules the reports read, taken verbatim from the committed file: promtool cannot
    // backfill rules that read other recording rules in the same run, and the long-window ones
    // would only cost time here.
    const committed = YAML.parse(fs.readFileSync(repoRuleFiles().find((f) => f.endsWith('recording.yml'))!, 'utf8')) as { groups: { name: string; rules: { record?: string }[] }[] };
    const wanted = new Set(['component:statusgraph_available:bool', 'component:statusgraph_probe_duration_seconds:avg']);
    const groups = committed.groups.map((g) => ({ name: g.name, rules: g.rules.filter((r) => r.record && wanted.has(r.record)) })).filter((g) => g.rules.length > 0);
    expect(groups.flatMap((g) => g.rules)).toHaveLength(2);
    const rulesFile = path.join(dir.path, 'report-rules.yml');
    fs.writeFileSync(rulesFile, YAML.stringify({ groups }));
    t0 = Date.now();
    await backfillRules({ prometheusUrl: prom.url, start: new Date(firstSample), end: new Date(lastSample + STEP), ruleFiles: [rulesFile], outputDir: rulesOut, evalInterval: '5m' });
    console.log(`[report] rules backfill over 15 days: ${Date.now() - t0} ms`);
    for (const block of fs.readdirSync(rulesOut)) fs.renameSync(path.join(rulesOut, block), path.join(dataDir, block));
    t0 = Date.now();
    await prom.restart();
    console.log(`[report] prometheus restart: ${Date.now() - t0} ms`);
    const recorded = await prom.query('timestamp(component:statusgraph_available:bool{component="db"})', new Date(lastSample + STEP - 1000));
    const offset = Number(recorded[0]?.value[1]) * 1000 - lastSample;
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(STEP);
    reportNow = lastSample + offset + 1000;
    slack = await startSlackWebhook();
  }, 300_000);

  afterAll(async () => {
    await prom?.stop();
    await slack?.stop();
    dir.remove();
  });

  it('the recording rules were backfilled over the whole history', async () => {
    const bool = await prom.query('count_over_time(component:statusgraph_available:bool{component="db"}[15d])', new Date(reportNow));
    expect(Number(bool[0]?.value[1])).toBe(times.filter((t) => t > reportNow - 15 * DAY).length);
  });

  it('daily: overall state, 24 h uptime, each degradation and outage with start and duration, slowest against its 7-day baseline', async () => {
    const md = await buildReport('daily', { prometheusUrl: prom.url, now: new Date(reportNow), timezone: TZ });
    console.log(md);
    const from = reportNow - DAY;
    expect(md).toContain(`Window: ${localTime(from)} to ${localTime(reportNow)} (${TZ})`);
    expect(md).toContain('**Overall: Operational**: all 3 components operational.');
    for (const c of components) {
      expect(md).toContain(`| ${c.component} | ${c.tier} | Operational | ${pct(uptime(c.component, from, reportNow))} |`);
    }
    const overall = components.reduce((s, c) => s + uptime(c.component, from, reportNow), 0) / components.length;
    expect(md).toContain(`Overall: ${pct(overall)}`);
    // The numbers are not trivially 100 %: db and api lost 15 of 1440 minutes.
    expect(uptime('db', from, reportNow)).toBeCloseTo(1 - 15 / 1440, 10);

    const today = spells.filter((s) => s.startMs > from);
    expect(today).toHaveLength(2);
    expect(md).toContain(`| db | Major outage | ${localTime(today[0]!.startMs)} | ${today[0]!.minutes}m |  |`);
    expect(md).toContain(`| api | Major outage | ${localTime(today[0]!.startMs)} | ${today[0]!.minutes}m | dependency: db |`);
    expect(md).toContain(`| cache | Degraded | ${localTime(today[1]!.startMs)} | ${today[1]!.minutes}m |  |`);
    expect(md.match(/^\| (api|db|cache) \| (Degraded|Partial outage|Major outage) \|/gm)).toHaveLength(3);

    const dayApi = meanLatency('api', from, reportNow);
    const weekApi = meanLatency('api', reportNow - 7 * DAY, reportNow);
    expect(md).toContain(`Slowest against its 7-day baseline: **api**, ${(dayApi * 1000).toFixed(0)} ms mean over 24 h, ${(dayApi / weekApi).toFixed(2)}x its 7-day mean of ${(weekApi * 1000).toFixed(0)} ms.`);
  });

  it('weekly: uptime per component with the change, incidents and MTTR against the previous week', async () => {
    const md = await buildReport('weekly', { prometheusUrl: prom.url, now: new Date(reportNow), timezone: TZ });
    console.log(md);
    const weekStart = reportNow - 7 * DAY;
    const prevStart = weekStart - 7 * DAY;
    for (const c of components) {
      const cur = uptime(c.component, weekStart, reportNow);
      const prev = uptime(c.component, prevStart, weekStart);
      expect(md).toContain(`| ${c.component} | ${c.tier} | ${pct(cur)} | ${pct(prev)} | ${pp(cur - prev)} |`);
    }
    const mean = (f: (c: string) => number) => components.reduce((s, c) => s + f(c.component), 0) / components.length;
    const cur = mean((c) => uptime(c, weekStart, reportNow));
    const prev = mean((c) => uptime(c, prevStart, weekStart));
    expect(md).toContain(`- Overall uptime: ${pct(cur)} (previous week: ${pct(prev)}, change: ${pp(cur - prev)})`);

    // Incidents: outages (state >= 2) of components nothing upstream explains.
    const incidents = (from: number, to: number) => spells.filter((s) => s.state >= 2 && s.startMs > from && s.startMs <= to);
    const thisWeek = incidents(weekStart, reportNow);
    const lastWeek = incidents(prevStart, weekStart);
    expect(thisWeek.length).toBe(2);
    expect(md).toContain(`- Incidents: ${thisWeek.length} (previous week: ${lastWeek.length}, change: +${thisWeek.length - lastWeek.length})`);
    const mttr = (list: Spell[]) => list.reduce((s, x) => s + x.minutes, 0) / list.length;
    expect(mttr(thisWeek)).toBe(20); // whole minutes, so the check below needs no duration formatter
    expect(md).toContain(`- Mean time to recovery: ${mttr(thisWeek)}m (previous week: ${mttr(lastWeek)}m)`);
    for (const s of thisWeek) {
      expect(md).toContain(`| ${s.component} | ${s.state === 3 ? 'Major outage' : 'Partial outage'} | ${localTime(s.startMs)} | ${s.minutes}m |`);
    }
  });

  it('posts the report to the Slack webhook', async () => {
    const md = await buildReport('daily', { prometheusUrl: prom.url, now: new Date(reportNow), timezone: TZ });
    await postToSlack(slack.url, md);
    const msg = await slack.waitFor('daily report', (m) => m.text.includes('statusgraph daily report'));
    expect(msg.body.blocks?.[0]).toEqual({ type: 'markdown', text: md });
  });

  it('the CLI prints the same report and posts it with --post (statusgraph report daily|weekly --prometheus URL)', async () => {
    const run = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SLACK_WEBHOOK_URL: '' } }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    });
    const at = new Date(reportNow).toISOString();
    for (const kind of ['daily', 'weekly'] as const) {
      const expected = await buildReport(kind, { prometheusUrl: prom.url, now: new Date(reportNow), timezone: TZ });
      const r = await run(['report', kind, '--prometheus', prom.url, '--timezone', TZ, '--at', at]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(expected);
    }
    const before = slack.messages.length;
    const posted = await run(['report', 'weekly', '--prometheus', prom.url, '--timezone', TZ, '--at', at, '--post', '--webhook-url', slack.url]);
    expect(posted.code).toBe(0);
    expect(slack.messages.length).toBe(before + 1);
    expect(slack.messages[before]?.text).toContain('statusgraph weekly report');
    // A rejected post fails the command without printing the secret webhook path.
    slack.failNext(1, 404, 'no_service');
    const rejected = await run(['report', 'daily', '--prometheus', prom.url, '--at', at, '--post', '--webhook-url', slack.url]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('404 no_service');
    expect(rejected.stderr).not.toContain('/services/');
  });

  it('reports Prometheus errors clearly and refuses bad input', async () => {
    await expect(buildReport('daily', { prometheusUrl: 'http://127.0.0.1:1', now: new Date(reportNow) })).rejects.toThrow(/Prometheus at http:\/\/127\.0\.0\.1:1 unreachable/);
    await expect(buildReport('daily', { prometheusUrl: prom.url, timezone: 'Nowhere/Land' })).rejects.toThrow('unknown timezone');
    await expect(buildReport('monthly' as 'daily', { prometheusUrl: prom.url })).rejects.toThrow('unknown report "monthly"');
    await expect(buildReport('daily', { prometheusUrl: 'ftp://prometheus' })).rejects.toThrow('invalid Prometheus URL');
    // Prometheus's own error comes through with the query that caused it.
    await expect(promClient(prom.url).query('sum(', new Date(reportNow))).rejects.toThrow(/Prometheus query failed \(400 bad_data\): .*\[query: sum\(\]/);
    await expect(promClient(prom.url).query('up[5m]', new Date(reportNow))).rejects.toThrow('expected a vector from "up[5m]", got matrix');
  });
});
