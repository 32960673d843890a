/*
 * The compose profile `cluster` (issue 22, item 6; docs/cluster.md "Run it with compose"), checked
 * without Docker: the compose file as Compose reads it, each replica's config through the
 * exporter's own `statusgraph check-config` with the environment Compose would give it, and the
 * profile's Prometheus config through promtool 2.x and 3.x.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROBE_KINDS } from '../../exporter/src/probes/registry.js';
import { parseConfig } from '../../exporter/src/config/load.js';
import { PROMTOOLS, runTool } from '../alerting/tools.js';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { tempDir } from '../support/tmp.js';
import { bindMounts, envFileValues, loadCompose, resolveVariables } from './lib/compose.js';
import { COMPOSE_CLUSTER_CONFIG, COMPOSE_FILE, DATASOURCES_FILE, ENV_EXAMPLE, PROMETHEUS_CLUSTER_CONFIG, repoPath } from './lib/paths.js';

const compose = loadCompose(COMPOSE_FILE);
const services = compose.services as Record<string, any>;
const PROFILE = ['cluster-postgres', 'prometheus-cluster', 'statusgraph-eu', 'statusgraph-us'];
const REPLICAS = ['statusgraph-eu', 'statusgraph-us'] as const;
/** What differs between the replicas: their identity, their own data and their published port. */
const PER_REPLICA_ENV = ['STATUSGRAPH_REPLICA', 'STATUSGRAPH_LOCATION'];
const CLI = repoPath('exporter/dist/cli.js');
const clusterText = fs.readFileSync(COMPOSE_CLUSTER_CONFIG, 'utf8');
const envExample = envFileValues(fs.readFileSync(ENV_EXAMPLE, 'utf8'));
const tmp = tempDir('statusgraph-cluster-compose-');
afterAll(() => tmp.remove());

const dependsOn = (svc: any): Record<string, { condition: string }> => (Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d: string) => [d, { condition: 'service_started' }])) : svc.depends_on ?? {});
const optionOf = (command: string[], flag: string) => command[command.indexOf(flag) + 1]!;

/** The replica's environment as Compose gives it with .env copied from .env.example. */
const replicaEnv = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries<string>(services[name].environment).map(([k, v]) => [k, resolveVariables(String(v), envExample)]));

/** The config the replica reads, with the Grafana token file (written by grafana-init) at a temporary path. */
function replicaConfigCopy(text = clusterText): string {
  const token = path.join(tmp.path, 'grafana-token');
  fs.writeFileSync(token, 'glsa_example_token\n');
  const file = path.join(tmp.path, 'cluster.yml');
  fs.writeFileSync(file, text.replace('/run/statusgraph-grafana/token', token));
  return file;
}

describe('docker-compose.yml, profile cluster', () => {
  it('holds PostgreSQL, two replicas and their Prometheus, and nothing outside the profile needs them', () => {
    const inProfile = Object.entries(services).filter(([, s]) => s.profiles?.includes('cluster')).map(([n]) => n).sort();
    expect(inProfile).toEqual(PROFILE);
    // `docker compose up` without --profile cluster starts what it started before.
    for (const [name, svc] of Object.entries(services)) {
      if (svc.profiles) continue;
      expect(Object.keys(dependsOn(svc)).filter((d) => PROFILE.includes(d)), name).toEqual([]);
    }
    for (const n of PROFILE) for (const d of Object.keys(dependsOn(services[n]))) expect(Object.keys(services), `${n} -> ${d}`).toContain(d);
  });

  it('runs both replicas from one image, one config and one command: only name, location, data and port differ', () => {
    const [a, b] = REPLICAS.map((n) => services[n]);
    const common = (s: any) => ({
      ...s,
      environment: Object.fromEntries(Object.entries(s.environment).filter(([k]) => !PER_REPLICA_ENV.includes(k))),
      volumes: s.volumes.filter((v: string) => !v.endsWith(':/var/lib/statusgraph')),
      ports: undefined,
    });
    expect(common(a)).toEqual(common(b));
    expect(a.build).toEqual({ context: '.', dockerfile: 'exporter/Dockerfile' });
    for (const k of PER_REPLICA_ENV) expect(a.environment[k], k).not.toBe(b.environment[k]);
    const data = REPLICAS.map((n) => services[n].volumes.find((v: string) => v.endsWith(':/var/lib/statusgraph')).split(':')[0]);
    expect(new Set(data).size).toBe(2);
    for (const v of data) expect(compose.volumes).toHaveProperty(v);
    expect(new Set(REPLICAS.map((n) => services[n].ports[0].split(':')[1])).size).toBe(2);
    const configPath = optionOf(a.command, '--config');
    expect(bindMounts(a)).toContainEqual({ host: './examples/compose/cluster.yml', container: configPath });
    expect(optionOf(a.command, '--data-dir')).toBe('/var/lib/statusgraph');
  });

  it('health-checks each replica on its own listener, starts it once its PostgreSQL is healthy, and Prometheus once both are', () => {
    for (const n of REPLICAS) {
      const port = optionOf(services[n].command, '--listen').split(':')[1];
      expect(services[n].healthcheck.test.join(' '), n).toContain(`http://127.0.0.1:${port}/-/healthy`);
      expect(dependsOn(services[n])['cluster-postgres']?.condition, n).toBe('service_healthy');
    }
    expect(services['cluster-postgres'].healthcheck.test.join(' ')).toMatch(/pg_isready --host 127\.0\.0\.1/);
    const prom = dependsOn(services['prometheus-cluster']);
    for (const n of REPLICAS) expect(prom[n]?.condition, n).toBe('service_healthy');
    expect(services['prometheus-cluster'].healthcheck.test.join(' ')).toContain('http://127.0.0.1:9090/-/ready');
  });

  it('gives the replicas their DSN through the environment, from a secret of .env: never written in a file', () => {
    const cfg = parse(clusterText);
    expect(cfg.store).toMatchObject({ kind: 'postgres', dsn: '${STATUSGRAPH_CLUSTER_DSN}' });
    expect(clusterText).not.toMatch(/postgres(ql)?:\/\//);
    const pg = services['cluster-postgres'].environment;
    for (const n of REPLICAS) {
      const raw = services[n].environment.STATUSGRAPH_CLUSTER_DSN as string;
      const m = /^postgres:\/\/([^:]+):\$\{([A-Z_]+):\?[^}]+\}@([a-z-]+):5432\/([a-z]+)$/.exec(raw);
      expect(m, raw).not.toBeNull();
      expect({ user: m![1], host: m![3], db: m![4] }).toEqual({ user: pg.POSTGRES_USER, host: 'cluster-postgres', db: pg.POSTGRES_DB });
      // The same variable is PostgreSQL's password, and .env.example names it.
      expect(pg.POSTGRES_PASSWORD).toMatch(new RegExp(`^\\$\\{${m![2]}:\\?`));
      expect(envExample.has(m![2]!)).toBe(true);
      // Every variable the config reads is in the replica's environment, every file on a mount.
      for (const v of clusterText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) expect(Object.keys(services[n].environment), `${n}: ${v[1]}`).toContain(v[1]);
      for (const f of clusterText.matchAll(/\$\{file:([^}]+)\}/g)) {
        expect(services[n].volumes.some((v: string) => f[1]!.startsWith(`${v.split(':')[1]}/`)), `${n}: ${f[1]}`).toBe(true);
      }
    }
  });

  it.each(REPLICAS)('%s: its config passes `statusgraph check-config` and parses to its own name and location', async (name) => {
    const env = replicaEnv(name);
    const file = replicaConfigCopy();
    const r = await runToolEnv(process.execPath, [CLI, 'check-config', file], env);
    expect(r.stderr, r.stderr).toBe('');
    expect(r.stdout).toMatch(/: OK, 9 components, 10 probes\n$/);
    const c = parseConfig(fs.readFileSync(file, 'utf8'), file, { env, probeKinds: PROBE_KINDS });
    expect(c.cluster).toMatchObject({ name: env.STATUSGRAPH_REPLICA, location: env.STATUSGRAPH_LOCATION, replication: 2 });
    expect(c.store).toMatchObject({ kind: 'postgres', dsn: env.STATUSGRAPH_CLUSTER_DSN });
    // The password is a secret of the config: masked in every log line.
    expect(c.secrets).toEqual(expect.arrayContaining([env.STATUSGRAPH_CLUSTER_DSN]));
  });

  it('the same check refuses a broken copy at FILE:LINE:COL (the check is real)', async () => {
    const file = replicaConfigCopy(clusterText.replace('lease: 15s', 'lease: 60s'));
    const r = await runToolEnv(process.execPath, [CLI, 'check-config', file], replicaEnv('statusgraph-eu'));
    expect(r.code).toBe(1);
    const line = clusterText.split('\n').findIndex((l) => l.includes('lease: 15s')) + 1;
    expect(r.stderr).toMatch(new RegExp(`cluster\\.yml:${line}:\\d+: .*1\\.5 intervals`));
  });

  it('its Prometheus scrapes both replicas as job statusgraph, keeps `instance`, and loads the same rules', () => {
    const prom = parse(fs.readFileSync(PROMETHEUS_CLUSTER_CONFIG, 'utf8'));
    const single = parse(fs.readFileSync(repoPath('provisioning/prometheus/prometheus.yml'), 'utf8'));
    const job = prom.scrape_configs.find((s: any) => s.job_name === 'statusgraph');
    expect(job.static_configs.flatMap((c: any) => c.targets).sort())
      .toEqual(REPLICAS.map((n) => `${n}:${optionOf(services[n].command, '--listen').split(':')[1]}`).sort());
    // docs/cluster.md: two targets writing the same series would lose samples; aggregate in queries.
    expect(JSON.stringify(job)).not.toMatch(/relabel/);
    expect(prom.rule_files).toEqual(single.rule_files);
    expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
    const svc = services['prometheus-cluster'];
    const mount = bindMounts(svc).find((m) => m.host === './provisioning/prometheus')!;
    expect(path.posix.relative(mount.container, optionOf(svc.command.map((c: string) => c.split('=')).flat(), '--config.file'))).toBe('prometheus-cluster.yml');
    const ds = (parse(fs.readFileSync(DATASOURCES_FILE, 'utf8')).datasources as any[]).find((d) => new URL(d.url).hostname === 'prometheus-cluster');
    expect(ds).toMatchObject({ type: 'prometheus', uid: 'statusgraph-prometheus-cluster' });
    expect(new URL(ds.url).port).toBe(svc.ports[0].split(':')[2]);
  });
});

describe.each(PROMTOOLS)('profile cluster: Prometheus $major.x promtool', ({ cmd }) => {
  it('check config accepts prometheus-cluster.yml and the rules it loads', async () => {
    const r = await runTool(cmd, ['check', 'config', path.basename(PROMETHEUS_CLUSTER_CONFIG)], path.dirname(PROMETHEUS_CLUSTER_CONFIG));
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('rules/alerts.yml');
    expect(r.stdout).toContain('rules/recording.yml');
  });
});

/** runTool with exactly this environment (PATH kept), as the container has it. */
function runToolEnv(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return import('node:child_process').then(({ execFile }) => new Promise((resolve) => {
    execFile(cmd, args, { env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  }));
}

/*
 * The two replicas as the profile runs them: this config, each replica's environment from the
 * compose file, only the DSN pointed at a real PostgreSQL of the test (the example services do
 * not run here: every component fails the same way on both replicas, which is no disagreement).
 */
describe('profile cluster: the two replicas, running on a real PostgreSQL', () => {
  let db: PostgresCluster;
  const running: RunningExporter[] = [];
  interface ClusterView { replica: string; leader: boolean; replicas: { name: string; location: string; live: boolean; checkerHealthy: boolean | null; assignedComponents: number }[] }
  const view = async (r: RunningExporter) => (await (await fetch(`${r.url}/api/v1/cluster`)).json()) as ClusterView;

  beforeAll(async () => {
    db = await startPostgresCluster({ replica: false });
    const config = fs.readFileSync(replicaConfigCopy(), 'utf8');
    // Not /-/ready: a replica is ready after its warm-up (a lease plus an interval, 30 s here);
    // the compose healthcheck asks /-/healthy, as the test below does.
    for (const name of REPLICAS) running.push(await startExporter({ config, waitReady: false, env: { ...replicaEnv(name), STATUSGRAPH_CLUSTER_DSN: db.primary.dsn() } }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    await db?.destroy();
  });

  it('form one cluster: both live with their own name and location, one leader, every component probed by both', async () => {
    const expected = REPLICAS.map((n) => [services[n].environment.STATUSGRAPH_REPLICA, services[n].environment.STATUSGRAPH_LOCATION, true]).sort();
    await until('both replicas see both, and one leads', async () => {
      const views = await Promise.all(running.map((r) => view(r).catch(() => undefined)));
      if (views.some((v) => v === undefined)) return false;
      return views.every((v) => v!.replicas.filter((m) => m.live).length === 2) && views.filter((v) => v!.leader).length === 1;
    }, 60_000, 250);
    const views = await Promise.all(running.map(view));
    expect(views.map((v) => v.replica)).toEqual(REPLICAS.map((n) => services[n].environment.STATUSGRAPH_REPLICA));
    for (const v of views) {
      expect(v.replicas.map((m) => [m.name, m.location, m.live]).sort()).toEqual(expected);
      // R = 2 of 2: each replica probes all 9 components; nobody is set aside.
      expect(v.replicas.map((m) => [m.assignedComponents, m.checkerHealthy])).toEqual([[9, true], [9, true]]);
    }
    // The compose healthcheck's endpoint answers on both.
    for (const r of running) expect((await fetch(`${r.url}/-/healthy`)).status).toBe(200);
  }, 90_000);
});
