/*
 * Cluster (issue 22): N HTTP components on a private nginx probed by several replicas sharing one
 * PostgreSQL, each component by R of them.
 *
 *   npx tsx bench/cluster.ts [--n 30000] [--replicas 3] [--replication 2] [--interval 30] [--cycles 3] [--kills 10] [--cpu-prof DIR] [--node-arg=--flag ...]
 *
 * After a warm-up interval, over `cycles` intervals: CPU per probe (all replicas' utime+stime over
 * the probes that reached nginx; compare with bench/scale.ts's single process at 10,000), the
 * PostgreSQL server's CPU (postmaster and backends, /proc) and the rows it wrote per second
 * (pg_stat_user_tables, the exchange table), RSS per replica. Then `kills` times: kill -9 the
 * leader, time until another replica holds the lease (the lease row's acquired_at, the database's
 * clock, minus the kill), restart the killed replica and wait until it is a member again.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchExporter, type BenchExporter } from './lib/exporter.js';
import { startNginx, type Nginx } from './lib/nginx.js';
import { clockTicks, cpuSeconds, loadAverage, statusBytes } from './lib/proc.js';
import { percentile, round } from './lib/stats.js';
import { writeResults } from './lib/results.js';
import { statusgraphHttpConfig } from './lib/configs.js';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres.js';
import { processTree } from '../test/support/process.js';
import { tempDir } from '../test/support/tmp.js';
import { until } from '../test/support/ports.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '30000' },
    replicas: { type: 'string', default: '3' },
    replication: { type: 'string', default: '2' },
    interval: { type: 'string', default: '30' },
    cycles: { type: 'string', default: '3' },
    kills: { type: 'string', default: '10' },
    /** nginx (Debian's nginx-light, the other benchmarks' target) or node: a plain HTTP server in this process, where nginx is not installed. */
    target: { type: 'string', default: 'nginx' },
    /** Directory for V8 CPU profiles of the replicas (node --cpu-prof), written when each stops. */
    'cpu-prof': { type: 'string' },
    /** Extra node flags for every replica, e.g. --node-arg=--semi-space-growth-factor=2 (repeatable). */
    'node-arg': { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const n = Number(args.n);
const replicas = Number(args.replicas);
const replication = Number(args.replication);
const intervalSeconds = Number(args.interval);
const cycles = Number(args.cycles);
const kills = Number(args.kills);
if (![n, replicas, replication, cycles].every((v) => Number.isInteger(v) && v >= 1) || !(intervalSeconds >= 1) || !(kills >= 0)) {
  throw new Error('--n, --replicas, --replication, --cycles must be positive integers, --interval at least 1, --kills 0 or more');
}
const intervalMs = intervalSeconds * 1_000;
const ticks = clockTicks();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const names = Array.from({ length: replicas }, (_, i) => `r-${i}`);

/** The postmaster's pid (first line of postmaster.pid) and all its backends now. */
function pgPids(db: PostgresCluster): number[] {
  const pid = Number(fs.readFileSync(path.join(db.primary.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return processTree(pid);
}

/** CPU seconds of the server's processes; a backend that exits in the window takes its share with it (they are pooled, so few do). */
function pgCpu(db: PostgresCluster): Map<number, number> {
  return new Map(pgPids(db).flatMap((p) => { try { return [[p, cpuSeconds(p, ticks)] as const]; } catch { return []; } }));
}

async function rowsWritten(db: PostgresCluster): Promise<number> {
  const rows = await db.primary.query<{ n: string }>(`SELECT (n_tup_ins + n_tup_upd)::text AS n FROM pg_stat_user_tables WHERE relname = 'cluster_results'`);
  return Number(rows[0]?.n ?? 0);
}

async function lease(db: PostgresCluster) {
  return (await db.primary.query<{ holder: string | null; token: string; acquired_ms: number; valid: boolean }>(
    `SELECT holder, token::text, extract(epoch FROM acquired_at) * 1000 AS acquired_ms, expires_at > clock_timestamp() AS valid FROM cluster_lease`))[0]!;
}

async function liveMembers(db: PostgresCluster): Promise<number> {
  const lease = Math.min(300_000, Math.max(1_000, intervalMs));
  const rows = await db.primary.query<{ n: string }>(`SELECT count(*)::text AS n FROM cluster_replicas WHERE last_seen > clock_timestamp() - $1 * interval '1 millisecond'`, [lease]);
  return Number(rows[0]!.n);
}

type Target = Pick<Nginx, 'origin' | 'requests' | 'stop'>;

/** The node target: answers 200 to anything and keeps each request's path and completion time. */
async function startNodeTarget(): Promise<Target> {
  const seen: { path: string; at: number }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}', () => seen.push({ path: req.url ?? '', at: Date.now() }));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests(prefix, from, to) {
      const out = new Map<string, number[]>();
      for (const s of seen) if (s.path.startsWith(prefix) && s.at >= from && s.at <= to) out.set(s.path, [...(out.get(s.path) ?? []), s.at]);
      return out;
    },
    stop: async () => { server.closeAllConnections(); await new Promise<void>((r) => server.close(() => r())); },
  };
}

function configOf(name: string, db: PostgresCluster, nginx: Target): string {
  return `${statusgraphHttpConfig({ n, origin: nginx.origin, prefix: '/sg/', intervalSeconds })}store:
  kind: postgres
  dsn: ${db.primary.dsn()}
cluster:
  name: ${name}
  location: bench
  replication: ${replication}
`;
}

async function main(): Promise<void> {
  const dir = tempDir('sg-bench-cluster-');
  let db: PostgresCluster | undefined, nginx: Target | undefined;
  const running = new Map<string, BenchExporter>();
  const start = async (name: string) => {
    const d = path.join(dir.path, name);
    fs.mkdirSync(d, { recursive: true });
    running.set(name, await startBenchExporter({
      dir: d, config: configOf(name, db!, nginx!), readyTimeoutMs: 600_000,
      nodeArgs: [...args['node-arg'], ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : [])],
    }));
  };
  try {
    db = await startPostgresCluster({ replica: false });
    nginx = args.target === 'node' ? await startNodeTarget() : await startNginx(dir.path);
    for (const name of names) await start(name);
    await until('every replica to be a member', async () => (await liveMembers(db!)) === replicas, 120_000, 200);
    await sleep(intervalMs);

    const cpu0 = new Map(names.map((r) => [r, cpuSeconds(running.get(r)!.pid, ticks)]));
    const pg0 = pgCpu(db);
    const rows0 = await rowsWritten(db);
    const from = Date.now();
    await sleep(cycles * intervalMs);
    const to = Date.now();
    const cpu = names.map((r) => cpuSeconds(running.get(r)!.pid, ticks) - cpu0.get(r)!);
    const pg1 = pgCpu(db);
    const pgSeconds = [...pg1].reduce((a, [p, s]) => a + s - (pg0.get(p) ?? 0), 0);
    const rows = (await rowsWritten(db)) - rows0;
    const probes = [...nginx.requests('/sg/', from, to).values()].reduce((a, l) => a + l.length, 0);
    const seconds = (to - from) / 1_000;
    const steady = {
      n, replicas, replication, intervalSeconds, cycles,
      probes, expectedProbes: Math.round((n * replication * seconds) / intervalSeconds),
      cpuPerProbeMs: round((cpu.reduce((a, b) => a + b, 0) * 1_000) / probes, 4),
      cpuSecondsPerReplica: cpu.map((c) => round(c, 2)),
      postgres: { cpuSeconds: round(pgSeconds, 2), cpuShare: round(pgSeconds / seconds, 3), rowsPerSecond: round(rows / seconds, 1) },
      rssMiB: Object.fromEntries(names.map((r) => [r, { now: round(statusBytes(running.get(r)!.pid, 'VmRSS') / 2 ** 20, 1), peak: round(statusBytes(running.get(r)!.pid, 'VmHWM') / 2 ** 20, 1) }])),
      load: loadAverage(),
    };
    console.log(JSON.stringify({ steady }));

    const failovers: number[] = [];
    for (let k = 0; k < kills; k++) {
      const before = await lease(db);
      const victim = before.holder!;
      const killedAt = Date.now();
      process.kill(running.get(victim)!.pid, 'SIGKILL');
      await until('another leader', async () => { const l = await lease(db!); return l.valid && l.holder !== victim; }, 10 * intervalMs, 20);
      failovers.push((await lease(db)).acquired_ms - killedAt);
      console.log(JSON.stringify({ kill: k + 1, victim, failoverMs: Math.round(failovers.at(-1)!) }));
      await running.get(victim)!.stop().catch(() => undefined);
      await start(victim);
      await until('the restarted replica to be a member', async () => (await liveMembers(db!)) === replicas, 120_000, 200);
    }
    const failover = kills === 0 ? undefined : {
      kills, minMs: Math.round(Math.min(...failovers)), medianMs: Math.round(percentile(failovers, 50)), maxMs: Math.round(Math.max(...failovers)),
      budgetMs: 2 * intervalMs,
    };
    console.log(JSON.stringify({ failover }));
    writeResults(args.out, 'cluster', { steady, failover, failoversMs: failovers.map(Math.round) });
  } finally {
    await Promise.all([...running.values()].map((r) => r.stop().catch(() => undefined)));
    await nginx?.stop().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    dir.remove();
  }
}

await main();
