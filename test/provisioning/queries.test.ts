/*
 * Every query of the dashboard and every expression of the rules against a real Prometheus that
 * scrapes a real exporter: each one parses, names only metrics the exporter exports or a recording
 * rule defines, and (the dashboard's) returns data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { backfillOpenMetrics, backfillRules, prometheusConfigFromRepo, repoRuleFiles, startPrometheus, type Prometheus } from '../support/prometheus.js';
import { startGrafanaStandIn } from '../support/grafana.js';
import { HttpTarget } from '../support/targets.js';
import { tempDir } from '../support/tmp.js';
import { allPanels, loadDashboard, repeatOf, variableQuery, type Panel, type Target, type Variable } from './lib/dashboard.js';
import { exposedMetricNames, grafanaAnnotationTags, metricNames, multiValue, parseLabelValues, parseQueryResult, queryResultText, substitute } from './lib/promql.js';
import { DASHBOARD_FILE } from './lib/paths.js';
import { METRICS } from '@statusgraph/core';
import { parseConfig } from '../../exporter/src/config/load.js';
import { PROBE_KINDS } from '../../exporter/src/probes/registry.js';
import { sloRuleFile } from '../../exporter/src/slo/rules.js';
import { firingStarts } from '../../provisioning/grafana/dashboards/src/noise.js';

const SCRAPE_SECONDS = 1;
// Grafana asks for about one point per pixel of a panel's width; 1000 is a wide panel.
const MAX_DATA_POINTS = 1000;
// Series Prometheus itself writes for every target and alert, which rules may use.
/*
 * Families the exporter writes only while they have a series, so that today's configs give the
 * same /metrics as before (issue 18): no component is affected in this test's topology.
 */
// Families exposed only while they have samples (edge meaning, maintenance windows): absent from a plain exporter.
const CONDITIONAL_FAMILIES = [METRICS.componentAffected, METRICS.dependencyEdgeInfo, METRICS.componentUnderMaintenance, METRICS.componentPlannedOutage];
/*
 * Families only a replica of a cluster exports (docs/cluster.md); this test's exporter is one
 * process, so the dependency panel's `checkers` query is its one query allowed to be empty here
 * (its metric name still has to be the contract's), and the cluster alerts (checker unhealthy,
 * no leader) read families it does not have.
 */
const CLUSTER_FAMILIES = [METRICS.replicaCheckerHealthy, METRICS.replicaUp, METRICS.replicaLeader];
const CLUSTER_ONLY_QUERIES = new Set(['checkers']);
const PROMETHEUS_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added', 'ALERTS', 'ALERTS_FOR_STATE'];
const dashboard = loadDashboard(DASHBOARD_FILE);
// The variables Prometheus answers, in order (the $datasource variable lists data sources, not values).
const queryVariables = dashboard.templating.list.filter((v) => v.type === 'query');

interface RuleFile { groups: { name: string; interval?: string; rules: { record?: string; alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] }
const ruleFiles = repoRuleFiles().map((f) => ({ file: f, rules: YAML.parse(fs.readFileSync(f, 'utf8')) as RuleFile }));
const rules = ruleFiles.flatMap((f) => f.rules.groups.flatMap((g) => g.rules.map((r) => ({ ...r, where: `${path.basename(f.file)}: ${g.name}/${r.record ?? r.alert}` }))));
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));

// Every tier and two environments, one component in major outage with dependents (impact, an
// incident), so that no panel is empty by construction.
// Objectives per tier, so that the dashboard's SLO row has rules for this topology: the committed
// slo.yml is generated for examples/reference.yml's components, and is replaced here by the rules
// `statusgraph rules` generates for this config (what a team does for its own).
function exporterConfig(okUrl: string): string {
  return `
interval: 1s
timeout: 500ms
slo_defaults:
  service: { objective: 99.9, window: 30d }
  infrastructure: { objective: 99.95, window: 30d }
  third-party: { objective: 99.5, window: 30d }
# A window always in force (each day 00:00 for 24 h) on the healthy cache: the dependency graph
# panel's maintenance query has data.
maintenance:
  windows:
    - { id: cache-work, title: Cache work, components: [cache], cron: "0 0 * * *", duration: 24h }
components:
  - name: frontend
    tier: service
    display_name: Frontend
    runbook: https://wiki.example/runbooks/frontend
    depends_on: [api]
    probes:
      - { kind: http, url: "${okUrl}" }
  - name: api
    tier: service
    display_name: API
    runbook: https://wiki.example/runbooks/api
    depends_on: [db, vendor]
    probes:
      - { kind: http, url: "${okUrl}" }
  - name: db
    tier: infrastructure
    display_name: Database
    probes:
      # Nothing listens on port 1: a major outage from the first cycle.
      - { kind: tcp, address: "127.0.0.1:1", baseline: 20ms }
  - name: cache
    tier: infrastructure
    environment: staging
    probes:
      - { kind: http, url: "${okUrl}" }
  - name: vendor
    tier: third-party
    display_name: Vendor API
    probes:
      - { kind: http, url: "${okUrl}" }
`;
}

let target: HttpTarget;
let exporter: RunningExporter;
let prom: Prometheus;
let promStart: Date;
const work = tempDir('statusgraph-queries-');

/** The SLO rules `statusgraph rules` generates for this test's own config (see exporterConfig). */
const OWN_SLO_RULES = YAML.parse(sloRuleFile(
  parseConfig(exporterConfig('http://127.0.0.1:1/'), 'queries.yml', { env: {}, probeKinds: PROBE_KINDS }).components, 'queries.yml',
)) as RuleFile;

/** The committed rules with every group evaluated each second: the same expressions, faster; slo.yml is this config's own. */
function fastRuleFiles(dir: string): string[] {
  return ruleFiles.map(({ file, rules: committed }) => {
    const rf = path.basename(file) === 'slo.yml' ? OWN_SLO_RULES : committed;
    const copy: RuleFile = { groups: rf.groups.map((g) => ({ ...g, interval: `${SCRAPE_SECONDS}s` })) };
    const out = path.join(dir, path.basename(file));
    fs.writeFileSync(out, YAML.stringify(copy));
    return out;
  });
}

beforeAll(async () => {
  target = await HttpTarget.start();
  exporter = await startExporter({ config: exporterConfig(target.url) });
  const cfg = YAML.parse(prometheusConfigFromRepo({ exporter: `127.0.0.1:${exporter.port}`, interval: `${SCRAPE_SECONDS}s` }));
  cfg.rule_files = fastRuleFiles(work.path);
  promStart = new Date();
  const dataDir = path.join(work.path, 'tsdb');
  fs.mkdirSync(dataDir);
  await backfillHistory(dataDir, await exporter.metrics(), `127.0.0.1:${exporter.port}`);
  prom = await startPrometheus({ configYaml: YAML.stringify(cfg), dataDir });
  await backfillRecordingRules(prom, dataDir);
  // A restart writes staleness markers for everything scraped and recorded before it, so wait for
  // fresh scrapes (enough for the shortest rate window) and fresh evaluations of the rule chain
  // raw series -> available:bool -> ratio_1d -> ratio_90d.
  await until('fresh scrapes and rule evaluations after the last restart', async () => {
    const scrapes = await prom.query(`count_over_time(up{job="statusgraph"}[${4 * SCRAPE_SECONDS}s]) >= 3`);
    const available = await prom.query('component:statusgraph_available:bool');
    const ratio = await prom.query('component:statusgraph_uptime:ratio_90d');
    const burn = await prom.query('component:statusgraph_slo_burn_rate:ratio_rate1h');
    // The noise row counts a firing at the first whole minute it is seen firing (db's outage pages).
    const firing = await prom.query(firingStarts('alertname="StatusgraphMajorOutage", component="db"').replace('$__range', '1h'));
    return scrapes.length > 0 && available.length > 0 && ratio.length > 0 && burn.length > 0 && firing.length > 0;
  }, 90_000, 250);
});

afterAll(async () => {
  try {
    await prom?.stop();
    await exporter?.stop();
    await target?.down();
  } finally {
    work.remove();
  }
});

/*
 * The uptime bars are one point per day at midnight (Grafana aligns a 1d step to it), so a fresh
 * Prometheus has none: give it BACKFILL_DAYS of history, the way a running stack would have it.
 * Raw series are backfilled with the label sets the live exporter exports; the recording rules are
 * then evaluated over that history by promtool from the committed expressions, one dependency
 * level at a time (promtool evaluates rules against what Prometheus already holds).
 */
const BACKFILL_DAYS = 3;
const BACKFILL_STEP_S = 60;

function backfillWindow(): { start: Date; end: Date } {
  const end = new Date(promStart.getTime() - 5 * 60_000);
  return { start: new Date(end.getTime() - BACKFILL_DAYS * 86_400_000), end };
}

async function backfillHistory(dataDir: string, exposition: string, instance: string): Promise<void> {
  const families = ['statusgraph_component_status', 'statusgraph_component_info'];
  const { start, end } = backfillWindow();
  // The database had a two-hour outage every day; everything else was up.
  const down = (component: string, t: number) => component === 'db' && new Date(t * 1000).getUTCHours() >= 10 && new Date(t * 1000).getUTCHours() < 12;
  let om = '';
  for (const family of families) {
    om += `# TYPE ${family} gauge\n`;
    for (const line of exposition.split('\n').filter((l) => l.startsWith(`${family}{`))) {
      const labels = /\{(.*)\}/.exec(line)![1]!;
      const component = /component="([^"]+)"/.exec(labels)![1]!;
      for (let t = Math.ceil(start.getTime() / 1000); t <= end.getTime() / 1000; t += BACKFILL_STEP_S) {
        const value = family === 'statusgraph_component_status' && down(component, t) ? 3 : family === 'statusgraph_component_info' ? 1 : 0;
        om += `${family}{${labels},job="statusgraph",instance="${instance}"} ${value} ${t}\n`;
      }
    }
  }
  // The SLO counters of the same history: one round per step, available unless down.
  const components = [...exposition.matchAll(/^statusgraph_component_status\{[^}]*component="([^"]+)"/gm)].map((m) => m[1]!);
  for (const [family, counts] of [['statusgraph_component_rounds', () => true], ['statusgraph_component_available_rounds', (c: string, t: number) => !down(c, t)]] as const) {
    om += `# TYPE ${family} counter\n`;
    for (const component of components) {
      let n = 0;
      for (let t = Math.ceil(start.getTime() / 1000); t <= end.getTime() / 1000; t += BACKFILL_STEP_S) {
        if (counts(component, t)) n += 1;
        om += `${family}_total{component="${component}",job="statusgraph",instance="${instance}"} ${n} ${t}\n`;
      }
    }
  }
  await backfillOpenMetrics(`${om}# EOF\n`, dataDir);
}

async function backfillRecordingRules(p: Prometheus, dataDir: string): Promise<void> {
  const { start, end } = backfillWindow();
  const own = OWN_SLO_RULES.groups.flatMap((g) => g.rules);
  // One dependency level at a time; the SLO budget left averages hourly points of the 1 h error
  // ratio over the window, which a Prometheus started minutes ago would not have.
  for (const record of ['component:statusgraph_available:bool', 'component:statusgraph_uptime:ratio_1d', 'component:statusgraph_slo_objective:ratio', 'component:statusgraph_slo_errors:ratio_rate1h']) {
    const found = [...rules.filter((r) => r.record === record && !r.where.startsWith('slo.yml')), ...own.filter((r) => r.record === record)];
    if (found.length === 0) throw new Error(`no recording rule ${record} in ${repoRuleFiles().join(', ')} or this config's SLO rules`);
    const file = path.join(work.path, `backfill-${record.replace(/:/g, '_')}.yml`);
    fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'backfill', rules: found.map((r) => ({ record, expr: r.expr, ...('labels' in r && r.labels ? { labels: r.labels } : {}) })) }] }));
    await backfillRules({ prometheusUrl: p.url, start, end, ruleFiles: [file], outputDir: dataDir, evalInterval: `${BACKFILL_STEP_S}s` });
    await p.restart();
  }
}

/** The values a query variable offers, given the variables before it: label_values(), or query_result() through its regex. */
async function variableValues(v: Variable, vars: Record<string, string>): Promise<string[]> {
  const query = variableQuery(v);
  const inner = parseQueryResult(query);
  if (inner !== undefined) {
    // $1 belongs to label_replace: Grafana leaves a name it does not know as it is.
    const expr = substitute(inner, { ...vars, 1: '$1' });
    const regex = new RegExp(/^\/(.*)\/$/.exec(v.regex ?? '')?.[1] ?? '(.*)');
    const rows = await prom.query(expr);
    return [...new Set(rows.map((r) => regex.exec(queryResultText(r.metric, r.value[1], r.value[0]))?.[1]).filter((x): x is string => !!x))].sort();
  }
  const { selector, label } = parseLabelValues(query);
  const q = new URLSearchParams({ 'match[]': substitute(selector, vars) });
  const r = await fetch(`${prom.url}/api/v1/series?${q}`);
  const body = (await r.json()) as { status: string; data: Record<string, string>[]; error?: string };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return [...new Set(body.data.map((s) => s[label]).filter((v): v is string => !!v))].sort();
}

function seconds(d: string): number {
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/**
 * Runs one target as Grafana would: the step is the panel's range over its data points (never below
 * the query's interval), the range is aligned to it, and $__interval / $__rate_interval follow it.
 * Instant targets run at now. Returns how many series came back with data.
 */
async function runTarget(panel: Panel, t: Target, vars: Record<string, string>): Promise<{ expr: string; series: number }> {
  const rangeS = panel.timeFrom ? seconds(panel.timeFrom) : 6 * 3600;
  const minStepS = seconds(t.interval || panel.interval || `${SCRAPE_SECONDS}s`);
  const stepS = Math.max(minStepS, Math.ceil(rangeS / MAX_DATA_POINTS));
  const expr = substitute(t.expr, {
    ...vars,
    __interval: `${stepS}s`,
    __rate_interval: `${Math.max(stepS + SCRAPE_SECONDS, 4 * SCRAPE_SECONDS)}s`,
    __range: `${rangeS}s`,
  });
  if (t.instant && !t.range) return { expr, series: (await prom.query(expr)).length };
  const now = Date.now() / 1000;
  const start = new Date(Math.floor((now - rangeS) / stepS) * stepS * 1000);
  const end = new Date(Math.ceil(now / stepS) * stepS * 1000);
  const result = await prom.queryRange(expr, start, end, stepS);
  return { expr, series: result.filter((r) => r.values.length > 0).length };
}

describe('the dashboard against a real Prometheus scraping a real exporter', () => {
  it('every variable has values, and every query of every panel (each repeat too) returns data', async () => {
    const values: Record<string, string[]> = {};
    const vars: Record<string, string> = {};
    for (const v of queryVariables) {
      values[v.name] = await variableValues(v, vars);
      expect(values[v.name]!.length, `variable ${v.name}`).toBeGreaterThan(0);
      vars[v.name] = multiValue(values[v.name]!);
    }
    expect(values.tier).toEqual(['infrastructure', 'service', 'third-party']);
    expect(values.environment).toEqual(['production', 'staging']);

    const empty: string[] = [];
    let ran = 0;
    for (const panel of allPanels(dashboard)) {
      const repeat = repeatOf(dashboard, panel);
      const instances = repeat ? values[repeat]!.map((v) => ({ [repeat]: multiValue([v]) })) : [{}];
      for (const inst of instances) {
        for (const t of panel.targets ?? []) {
          ran++;
          const { expr, series } = await runTarget(panel, t, { ...vars, ...inst });
          if (series === 0 && !CLUSTER_ONLY_QUERIES.has(t.refId)) empty.push(`panel ${panel.id} "${panel.title}" ${t.refId} ${JSON.stringify(inst)}: ${expr}`);
        }
      }
    }
    expect(ran).toBeGreaterThan(30);
    expect(empty).toEqual([]);
  });

  it('the service grid shows each component\'s own state with its display name and runbook link', async () => {
    const grid = allPanels(dashboard).find((p) => p.type === 'stat' && repeatOf(dashboard, p) === 'tier')!;
    const rows = await prom.query(substitute(grid.targets![0]!.expr, { tier: 'infrastructure', component: '.+', environment: '.+' }));
    const byName = Object.fromEntries(rows.map((r) => [r.metric.display_name, { state: Number(r.value[1]), runbook: r.metric.runbook, environment: r.metric.environment }]));
    // An empty label (no runbook configured) is no label in Prometheus: the tile has no link.
    expect(byName).toEqual({
      Database: { state: 3, runbook: undefined, environment: 'production' },
      cache: { state: 0, runbook: undefined, environment: 'staging' },
    });
    const services = await prom.query(substitute(grid.targets![0]!.expr, { tier: 'service', component: '.+', environment: 'staging' }));
    expect(services).toEqual([]); // the environment filter reaches the grid through the info join
    const [frontend] = await prom.query(substitute(grid.targets![0]!.expr, { tier: 'service', component: 'frontend', environment: '.+' }));
    expect(frontend!.metric).toMatchObject({ display_name: 'Frontend', runbook: 'https://wiki.example/runbooks/frontend' });
  });

  it('draws one uptime bar per day at midnight, with the day\'s real uptime', async () => {
    const bars = allPanels(dashboard).find((p) => p.type === 'status-history')!;
    const t = bars.targets![0]!;
    const expr = substitute(t.expr, { tier: '.+', component: '.+', environment: '.+' });
    const day = 86_400;
    const now = Date.now() / 1000;
    const result = await prom.queryRange(expr, new Date(Math.floor((now - 90 * day) / day) * day * 1000), new Date(Math.ceil(now / day) * day * 1000), day);
    const byComponent = new Map(result.map((r) => [r.metric.component!, r.values]));
    // Midnights whose whole previous day lies in the backfilled history.
    const { start } = backfillWindow();
    const fullDays = (byComponent.get('db') ?? []).filter(([ts]) => ts - day >= start.getTime() / 1000);
    expect(fullDays.length).toBeGreaterThanOrEqual(BACKFILL_DAYS - 1);
    for (const [ts, v] of fullDays) {
      expect(ts % day, 'aligned to midnight UTC').toBe(0);
      expect(Number(v)).toBeCloseTo(22 / 24, 2); // two hours of major outage a day
    }
    for (const [ts, v] of byComponent.get('api') ?? []) if (ts - day >= start.getTime() / 1000) expect(Number(v)).toBe(1);
  });

  it('the incident filter of the selected components returns the incidents of every selected component', async () => {
    // Two of the five components selected, everything else at All.
    const all = '.+';
    const tags = await variableValues(queryVariables.find((v) => v.name === 'component_tag')!, { environment: all, tier: all, component: multiValue(['api', 'db']) });
    expect(tags).toEqual(['component:api', 'component:db']);
    const filter = dashboard.annotations.list.find((a) => a.name === 'Incidents of the selected components')!;
    const grafana = await startGrafanaStandIn();
    try {
      const post = (components: string[]) => fetch(`${grafana.url}/api/annotations`, {
        method: 'POST', headers: { authorization: `Bearer ${grafana.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ time: Date.now() - 60_000, tags: ['incident', ...components.map((c) => `component:${c}`)], text: components.join(',') }),
      });
      for (const c of [['api'], ['db'], ['vendor'], ['frontend', 'db']]) expect((await post(c)).status).toBe(200);
      // The request Grafana makes for the annotation query, its tags expanded as Grafana expands them.
      const q = new URLSearchParams({ type: 'annotation', limit: String(filter.target.limit), matchAny: String(filter.target.matchAny) });
      for (const t of grafanaAnnotationTags(filter.target.tags, { component_tag: tags })) q.append('tags', t);
      const r = await fetch(`${grafana.url}/api/annotations?${q}`, { headers: { authorization: `Bearer ${grafana.token}` } });
      expect(((await r.json()) as { text: string }[]).map((a) => a.text).sort()).toEqual(['api', 'db', 'frontend,db']);
      expect(grafana.violations()).toEqual([]);
    } finally {
      await grafana.close();
    }
  });

  it('the noise row counts db\'s outage page in #engineering and for db, and not the maintenance window on the cache', async () => {
    const vars = { tier: '.+', component: '.+', environment: '.+', __range: '3600s' };
    const targets = (title: string) => allPanels(dashboard).find((p) => p.title === title)!.targets!;
    const byComponent = async (title: string) => new Map((await prom.query(substitute(targets(title)[0]!.expr, vars))).map((r) => [r.metric.component!, Number(r.value[1])]));
    const [engineering] = await Promise.all(targets('Alert firings per channel').map(async (t) => Number((await prom.query(substitute(t.expr, vars)))[0]!.value[1])));
    // db's outage pages (and each restart of the backfill ends and begins it again): at least one firing.
    expect(engineering).toBeGreaterThanOrEqual(1);
    const firings = await byComponent('Alert firings per component');
    expect(firings.get('db')).toBeGreaterThanOrEqual(1);
    // The cache's window alert fires all along, and reaches no channel: not counted.
    expect(await prom.query('ALERTS{alertname="StatusgraphMaintenance", component="cache", alertstate="firing"}')).toHaveLength(1);
    expect(firings.has('cache')).toBe(false);
    // db's incident (its blast radius api and frontend joined it): one each.
    expect(Object.fromEntries(await byComponent('Incidents per component'))).toMatchObject({ db: 1 });
  });

  it('an expression that does not parse is refused by this Prometheus (the parse check is real)', async () => {
    await expect(prom.query('sum by (component (statusgraph_component_status)')).rejects.toThrow(/parse error/);
  });
});

describe('metric names in the dashboard and the rules', () => {
  it('every expression of the rules parses', async () => {
    const failures: string[] = [];
    for (const r of rules) {
      await prom.query(r.expr).catch((e: Error) => failures.push(`${r.where}: ${e.message}`));
    }
    expect(failures).toEqual([]);
  });

  it('names only metrics the exporter exports or a recording rule defines', async () => {
    const known = new Set([...exposedMetricNames(await exporter.metrics()), ...recorded, ...PROMETHEUS_SERIES, ...CONDITIONAL_FAMILIES, ...CLUSTER_FAMILIES]);
    expect(known.has('statusgraph_component_status')).toBe(true);
    const used: { name: string; where: string }[] = [];
    for (const p of allPanels(dashboard)) {
      for (const t of p.targets ?? []) for (const name of metricNames(t.expr)) used.push({ name, where: `dashboard panel ${p.id} ${t.refId}` });
    }
    for (const v of queryVariables) {
      const q = variableQuery(v);
      for (const name of metricNames(parseQueryResult(q) ?? parseLabelValues(q).selector)) used.push({ name, where: `dashboard variable ${v.name}` });
    }
    for (const r of rules) {
      for (const name of metricNames(r.expr)) used.push({ name, where: r.where });
      // Queries inside annotation templates ({{ query "..." }}) are PromQL too.
      for (const text of Object.values(r.annotations ?? {})) {
        for (const m of text.matchAll(/\b(statusgraph_[a-z0-9_]*[a-z0-9]|[a-z_]+:statusgraph_[a-z0-9_:]*[a-z0-9])\b/g)) used.push({ name: m[1]!, where: `${r.where} annotation` });
      }
    }
    expect(used.length).toBeGreaterThan(20);
    const unknown = used.filter((u) => !known.has(u.name)).map((u) => `${u.name} (${u.where})`);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('would notice a name nobody exports', async () => {
    const known = new Set([...exposedMetricNames(await exporter.metrics()), ...recorded]);
    expect(metricNames('sum(statusgraph_no_such_metric) / statusgraph_component_status').filter((n) => !known.has(n)))
      .toEqual(['statusgraph_no_such_metric']);
  });
});
