/*
 * Datastore probes: CPU per probe of statusgraph with N postgres, N redis and N rabbitmq
 * components (one exporter per kind, so each kind is measured on its own) against real servers
 * started here on free loopback ports.
 *
 *   npx tsx bench/datastores.ts [--n 1000] [--cycles 2] [--interval 30] [--kinds postgres,redis,rabbitmq] [--cpu-prof DIR]
 *
 * Every component keeps its own connection, as it would to its own server; here they all go to
 * one server per kind, so PostgreSQL is restarted with max_connections raised above N. The
 * first interval (connecting) is excluded; CPU is measured over `cycles` steady intervals.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres.js';
import { startRedis, type RedisServer } from '../test/support/redis.js';
import { startRabbit, type RabbitServer } from '../test/support/rabbitmq.js';
import { tempDir } from '../test/support/tmp.js';
import { metricValue } from '../test/support/exporter.js';
import { startBenchExporter, type BenchExporter } from './lib/exporter.js';
import { componentName, probeTimeoutSeconds } from './lib/configs.js';
import { clockTicks, cpuMeter, loadAverage, statusBytes } from './lib/proc.js';
import { round } from './lib/stats.js';
import { writeResults } from './lib/results.js';

const KINDS = ['postgres', 'redis', 'rabbitmq'] as const;
type Kind = (typeof KINDS)[number];

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    cycles: { type: 'string', default: '2' },
    interval: { type: 'string', default: '30' },
    kinds: { type: 'string', default: KINDS.join(',') },
    /** Directory for V8 CPU profiles of the exporters (node --cpu-prof), written when they stop. */
    'cpu-prof': { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const n = Number(args.n);
const cycles = Number(args.cycles);
const intervalSeconds = Number(args.interval);
const kinds = args.kinds.split(',') as Kind[];
if (!(n >= 1) || !(cycles >= 1) || !(intervalSeconds >= 2) || kinds.some((k) => !KINDS.includes(k))) throw new Error('bad arguments');
const intervalMs = intervalSeconds * 1_000;
const ticks = clockTicks();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(kind: Kind, probe: string): string {
  const lines = [`interval: ${intervalSeconds}s`, `timeout: ${probeTimeoutSeconds(intervalSeconds)}s`, 'components:'];
  for (let i = 0; i < n; i++) lines.push(`  - name: ${componentName(i)}`, '    tier: infrastructure', '    probes:', `      - ${probe}`);
  return `${lines.join('\n')}\n`;
}

interface Server {
  probe: string;
  /** A count of probe requests the server itself saw, where it keeps one (cross-check). */
  served?: () => Promise<number>;
  stop(): Promise<void>;
}

async function startServer(kind: Kind): Promise<Server> {
  if (kind === 'postgres') {
    const cluster: PostgresCluster = await startPostgresCluster({ replica: false });
    // One connection per component: the default 100 would refuse most of them.
    await cluster.primary.query(`ALTER SYSTEM SET max_connections = ${n + 50}`);
    await cluster.primary.stop();
    await cluster.primary.start();
    const dsn = cluster.primary.dsn();
    return {
      // No cross-check count: pg_stat_database is flushed by idle backends only every few seconds.
      probe: `{ kind: postgres, dsn: "${dsn}" }`,
      stop: () => cluster.destroy(),
    };
  }
  if (kind === 'redis') {
    const redis: RedisServer = await startRedis();
    const client = redis.client();
    return {
      probe: `{ kind: redis, url: "${redis.url()}" }`,
      served: async () => {
        const info = await client.info('commandstats');
        return Number(/cmdstat_ping:calls=(\d+)/.exec(info)?.[1] ?? 0);
      },
      stop: () => redis.destroy(),
    };
  }
  const rabbit: RabbitServer = await startRabbit();
  const conn = await rabbit.connect();
  const ch = await conn.createChannel();
  await ch.assertQueue('bench', { durable: false });
  return {
    probe: `{ kind: rabbitmq, url: "${rabbit.url()}", queues: [{ name: bench }] }`,
    stop: () => rabbit.destroy(),
  };
}

async function runKind(kind: Kind) {
  const dir = tempDir(`statusgraph-bench-${kind}-`);
  let server: Server | undefined;
  let exporter: BenchExporter | undefined;
  try {
    server = await startServer(kind);
    exporter = await startBenchExporter({
      dir: dir.path,
      config: config(kind, server.probe),
      ...(args['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] } : {}),
    });
    const warm = cpuMeter(exporter.pid, ticks);
    // The first full interval opens the connections; the steady state starts after it.
    await sleep(intervalMs + 5_000);
    const warmSeconds = warm.stop();
    const load = loadAverage();
    const servedBefore = await server.served?.();
    const meter = cpuMeter(exporter.pid, ticks);
    await sleep(cycles * intervalMs);
    const cpuSeconds = meter.stop();
    const servedAfter = await server.served?.();
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    const succeeding = text.split('\n').filter((l) => l.startsWith('statusgraph_probe_success{') && l.endsWith(' 1')).length;
    const probes = n * cycles;
    return {
      kind,
      components: n,
      intervalSeconds,
      cycles,
      loadAverage: load,
      probes,
      probesSeenByServer: servedBefore !== undefined && servedAfter !== undefined ? Math.round(servedAfter - servedBefore) : null,
      probesSucceeding: succeeding,
      cpuSeconds: round(cpuSeconds),
      cpuMsPerProbe: round((cpuSeconds / probes) * 1000, 4),
      firstIntervalCpuSeconds: round(warmSeconds),
      cycleDurationSeconds: metricValue(text, 'statusgraph_probe_cycle_duration_seconds'),
      peakRssMiB: round(statusBytes(exporter.pid, 'VmHWM') / 2 ** 20, 1),
      roundsSkipped: exporter.logLines().filter((l) => l.msg === 'probe round skipped: previous round still running' && l.level === 'warn').length,
    };
  } finally {
    await exporter?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    dir.remove();
  }
}

const results = [];
for (const kind of kinds) {
  const r = await runKind(kind);
  console.log(JSON.stringify(r));
  results.push(r);
}
writeResults(args.out, 'datastores', { results });
