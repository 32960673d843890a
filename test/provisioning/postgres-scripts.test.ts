/*
 * The compose stack's PostgreSQL pair without Docker: the primary's init script run the way the
 * postgres image runs docker-entrypoint-initdb.d scripts (against the freshly initialised server,
 * over its socket), then the replica's entrypoint cloning it and streaming, and a real exporter
 * probing both with the least-privilege role the script creates, as examples/compose/statusgraph.yml does.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, metricValue, type RunningExporter } from '../support/exporter.js';
import { freePort, until, waitForPort } from '../support/ports.js';
import { runCommand, startProcess, type OwnedProcess } from '../support/process.js';
import { tempDir } from '../support/tmp.js';
import { mkdirOwned, unprivilegedUser, writeOwned } from '../support/users.js';
import { repoPath } from './lib/paths.js';

const SCRIPTS = repoPath('examples/compose/postgres');

function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const v = fs.readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))[0];
  if (!v) throw new Error(`no PostgreSQL under ${root}`);
  return path.join(root, v, 'bin');
}

const runAs = unprivilegedUser('postgres');
const dir = tempDir('statusgraph-compose-pg-');
const secret = () => crypto.randomBytes(12).toString('hex');
const passwords = { superuser: secret(), replication: secret(), monitor: secret() };
let primaryPort: number;
let replicaPort: number;
let primary: OwnedProcess | undefined;
let replica: OwnedProcess | undefined;
let exporter: RunningExporter | undefined;

const env = (extra: Record<string, string>) => ({ PATH: `${pgBin()}:${process.env.PATH}`, LANG: 'C.UTF-8', ...extra });
const socketDir = (name: string) => mkdirOwned(path.join(dir.path, `${name}-sock`), runAs, 0o755);

async function query(port: number, sql: string, user = 'postgres', password = passwords.superuser): Promise<any[]> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 5_000 });
  c.on('error', () => undefined);
  await c.connect();
  try { return (await c.query(sql)).rows; } finally { await c.end().catch(() => undefined); }
}

function startServer(dataDir: string, port: number, sock: string): OwnedProcess {
  return startProcess(path.join(pgBin(), 'postgres'), ['-D', dataDir, '-c', `port=${port}`, '-c', `unix_socket_directories=${sock}`, '-c', 'listen_addresses=127.0.0.1'], { ...runAs, cwd: dir.path, env: env({}) });
}

beforeAll(async () => {
  primaryPort = await freePort();
  replicaPort = await freePort();
  const pwfile = path.join(dir.path, 'pwfile');
  writeOwned(pwfile, `${passwords.superuser}\n`, runAs);
  const primaryData = mkdirOwned(path.join(dir.path, 'primary'), runAs);
  await runCommand(path.join(pgBin(), 'initdb'), ['-D', primaryData, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions'], { ...runAs, cwd: dir.path, env: env({}) });
  // The postgres image lets every host in with a password; its replication entry is the script's job.
  fs.writeFileSync(path.join(primaryData, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
  // docker-compose.yml's command for the primary.
  fs.appendFileSync(path.join(primaryData, 'postgresql.conf'), 'wal_level = replica\nmax_wal_senders = 5\nwal_keep_size = 64MB\nhot_standby = on\nfsync = off\n');
  const primarySock = socketDir('primary');
  primary = startServer(primaryData, primaryPort, primarySock);
  await waitForPort(primaryPort, 30_000);
  await until('primary accepts queries', async () => (await query(primaryPort, 'SELECT 1')).length === 1, 30_000, 100);

  await runCommand('sh', [path.join(SCRIPTS, 'primary-init.sh')], {
    ...runAs, cwd: dir.path,
    env: env({ POSTGRES_USER: 'postgres', PGDATA: primaryData, PGHOST: primarySock, PGPORT: String(primaryPort), REPLICATION_PASSWORD: passwords.replication, PG_MONITOR_PASSWORD: passwords.monitor }),
  });
  // The image restarts the server after the init scripts: pg_hba.conf is read again.
  await primary.stop('SIGINT');
  primary = startServer(primaryData, primaryPort, primarySock);
  await waitForPort(primaryPort, 30_000);

  const replicaData = path.join(dir.path, 'replica');
  mkdirOwned(replicaData, runAs, 0o755);
  replica = startProcess('sh', [path.join(SCRIPTS, 'replica-entrypoint.sh'), '-c', `port=${replicaPort}`, '-c', `unix_socket_directories=${socketDir('replica')}`, '-c', 'listen_addresses=127.0.0.1'], {
    ...runAs, cwd: dir.path,
    env: env({ PGDATA: replicaData, PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: String(primaryPort), REPLICATION_PASSWORD: passwords.replication }),
  });
  const r = replica;
  await Promise.race([
    waitForPort(replicaPort, 60_000),
    r.waitExit().then((code) => { throw new Error(`replica entrypoint exited with ${code}:\n${r.output()}`); }),
  ]);
}, 120_000);

afterAll(async () => {
  try {
    await exporter?.stop();
    await replica?.stop('SIGINT', 20_000);
    await primary?.stop('SIGINT', 20_000);
  } finally {
    dir.remove();
  }
});

describe('examples/compose/postgres', () => {
  it('the replica clones the primary and streams from it', async () => {
    await until('the replica streaming', async () => (await query(replicaPort, 'SELECT status FROM pg_stat_wal_receiver'))[0]?.status === 'streaming', 30_000, 100);
    expect((await query(replicaPort, 'SELECT pg_is_in_recovery() AS r'))[0].r).toBe(true);
    await query(primaryPort, 'CREATE TABLE heartbeat (at timestamptz)');
    await query(primaryPort, 'INSERT INTO heartbeat VALUES (now())');
    await until('the write replicated', async () => (await query(replicaPort, "SELECT to_regclass('heartbeat') IS NOT NULL AS t"))[0].t && (await query(replicaPort, 'SELECT count(*)::int AS n FROM heartbeat'))[0].n === 1, 15_000, 100);
  });

  it('the monitoring role reads replication state but cannot read or write application data', async () => {
    const rows = await query(replicaPort, 'SELECT pg_is_in_recovery() AS r, pg_last_wal_replay_lsn() IS NOT NULL AS l', 'statusgraph', passwords.monitor);
    expect(rows[0]).toEqual({ r: true, l: true });
    await expect(query(primaryPort, 'SELECT * FROM heartbeat', 'statusgraph', passwords.monitor)).rejects.toThrow(/permission denied/);
    await expect(query(primaryPort, 'CREATE TABLE nope (x int)', 'statusgraph', passwords.monitor)).rejects.toThrow(/permission denied/);
  });

  it('the exporter probes both the way the compose config does: operational, with the replica\'s lag', async () => {
    const dsn = (port: number) => `postgres://statusgraph:\${PG_MONITOR_PASSWORD}@127.0.0.1:${port}/postgres`;
    exporter = await startExporter({
      env: { PG_MONITOR_PASSWORD: passwords.monitor },
      config: `
interval: 1s
timeout: 900ms
components:
  - name: postgresql-primary
    tier: infrastructure
    probes:
      - { kind: postgres, dsn: "${dsn(primaryPort)}" }
  - name: postgresql-replica
    tier: infrastructure
    depends_on: [postgresql-primary]
    probes:
      - { kind: postgres, dsn: "${dsn(replicaPort)}", max_replication_lag: 2s }
`,
    });
    const e = exporter;
    await until('both operational', async () => (await e.components()).every((c) => c.state === 'operational'), 20_000);
    const metrics = await e.metrics();
    expect(metricValue(metrics, 'statusgraph_postgres_replication_lag_seconds', { component: 'postgresql-replica' })).toBeLessThan(2);
    expect(metrics).not.toContain(passwords.monitor);
  });
});
