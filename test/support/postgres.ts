import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, until, waitForPort } from './ports.js';
import { tempDir } from './tmp.js';
import { freezeProcesses, processTree, runCommand, startProcess, thawProcesses, type OwnedProcess } from './process.js';
import { mkdirOwned, unprivilegedUser, writeOwned, type RunAs } from './users.js';

/** Debian's PostgreSQL binaries (the newest installed major version); PG_BIN overrides. */
function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(root, v, 'bin')).find((bin) => fs.existsSync(path.join(bin, 'initdb')));
  if (!found) throw new Error(`no PostgreSQL server binaries under ${root}: install the Debian package postgresql (scripts/setup-ci.sh does), or set PG_BIN`);
  return found;
}

export interface PostgresServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** A DSN for the superuser; pass another password to build a wrong-credentials DSN. */
  dsn(opts?: { user?: string; password?: string; database?: string }): string;
  /** Runs one statement as the superuser on a fresh connection. */
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Starts it again after stop()/crash(), on the same port and data directory. */
  start(): Promise<void>;
  /** Fast shutdown (SIGINT): clients are disconnected, the port is closed. */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT), like a crash; the next start runs recovery. */
  crash(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend, resolved once they are really stopped. */
  freeze(): Promise<void>;
  /** SIGCONT after freeze(). */
  thaw(): void;
  running(): boolean;
  logs(): string;
}

export interface PostgresCluster {
  readonly primary: PostgresServer;
  /** A streaming replica of the primary (pg_basebackup), when asked for. */
  readonly replica?: PostgresServer;
  /** The superuser password of both servers (random per cluster). */
  readonly password: string;
  /** Stops every server and deletes the directory (afterAll). Safe to call twice. */
  destroy(): Promise<void>;
}

let databases = 0;

/** A new empty database on `server`: every test starts from nothing; drop() removes it, connections and all. */
export async function freshDatabase(server: PostgresServer, prefix = 'sg'): Promise<{ dsn: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${++databases}`;
  await server.query(`CREATE DATABASE ${name}`);
  return {
    dsn: server.dsn({ database: name }),
    drop: async () => { await server.query(`DROP DATABASE ${name} WITH (FORCE)`); },
  };
}

const SUPERUSER = 'postgres';
const REPLICATION_USER = 'replicator';

// Speed over durability: these clusters live for one test file.
const BASE_CONF = `
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
hot_standby_feedback = on
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 40
wal_receiver_status_interval = 1s
wal_receiver_timeout = 10s
wal_sender_timeout = 10s
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] '
`;

const HBA = `
local all all trust
host replication ${REPLICATION_USER} 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
`;

/**
 * Starts a PostgreSQL primary (initdb) and, unless `replica: false`, a streaming replica of it
 * (pg_basebackup -R), each on a free loopback port, in one temporary directory, as the `postgres`
 * user when running as root.
 */
export async function startPostgresCluster(opts: { replica?: boolean } = {}): Promise<PostgresCluster> {
  const bin = pgBin();
  const runAs = unprivilegedUser('postgres');
  const dir = tempDir('sg-pg-');
  const password = `pw-${crypto.randomBytes(12).toString('hex')}`;
  const servers: PostgresServer[] = [];
  const cluster: PostgresCluster = {
    get primary() { return servers[0]!; },
    get replica() { return servers[1]; },
    password,
    async destroy() {
      // Replica first, so it does not log a storm of reconnection attempts.
      for (const s of [...servers].reverse()) await s.stop();
      dir.remove();
    },
  };
  try {
    const pwfile = path.join(dir.path, 'pwfile');
    writeOwned(pwfile, `${password}\n`, runAs);
    const primaryDir = mkdirOwned(path.join(dir.path, 'primary'), runAs);
    await runCommand(path.join(bin, 'initdb'), [
      '-D', primaryDir, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
      '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions',
    ], { ...runAs, cwd: dir.path });
    fs.appendFileSync(path.join(primaryDir, 'postgresql.conf'), BASE_CONF);
    fs.writeFileSync(path.join(primaryDir, 'pg_hba.conf'), HBA);

    const primary = pgServer(bin, 'primary', primaryDir, await freePort(), dir.path, password, runAs);
    servers.push(primary);
    await primary.start();
    await primary.query(`CREATE ROLE ${REPLICATION_USER} WITH REPLICATION LOGIN PASSWORD '${password}'`);

    if (opts.replica !== false) {
      const replicaDir = path.join(dir.path, 'replica');
      mkdirOwned(replicaDir, runAs);
      await runCommand(path.join(bin, 'pg_basebackup'), [
        '-h', '127.0.0.1', '-p', String(primary.port), '-U', REPLICATION_USER, '-D', replicaDir,
        '-R', '-X', 'stream', '--no-sync', '-c', 'fast',
      ], { ...runAs, cwd: dir.path, env: { ...process.env, PGPASSWORD: password } });
      const replica = pgServer(bin, 'replica', replicaDir, await freePort(), dir.path, password, runAs);
      servers.push(replica);
      await replica.start();
      await until('the replica to stream from the primary', async () => {
        const rows = await replica.query<{ status: string }>('SELECT status FROM pg_stat_wal_receiver');
        return rows[0]?.status === 'streaming';
      }, 30_000, 100);
    }
    return cluster;
  } catch (e) {
    await cluster.destroy().catch(() => undefined);
    throw e;
  }
}

function pgServer(bin: string, name: string, dataDir: string, port: number, baseDir: string, password: string, runAs: RunAs): PostgresServer {
  const socketDir = mkdirOwned(path.join(baseDir, `${name}-sock`), runAs, 0o755);
  let proc: OwnedProcess | undefined;
  const dsn: PostgresServer['dsn'] = (o = {}) => {
    const user = encodeURIComponent(o.user ?? SUPERUSER);
    const pw = encodeURIComponent(o.password ?? password);
    return `postgres://${user}:${pw}@127.0.0.1:${port}/${o.database ?? 'postgres'}`;
  };
  const query = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> => {
    const client = new pg.Client({ connectionString: dsn(), connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(sql, params as any[])).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const thaw = () => {
    if (proc && !proc.exited()) thawProcesses(processTree(proc.pid));
  };
  const halt = async (signal: NodeJS.Signals) => {
    if (!proc || proc.exited()) return;
    // Frozen backends could not act on the shutdown request.
    thaw();
    await proc.stop(signal, 20_000);
  };
  return {
    name,
    host: '127.0.0.1',
    port,
    dataDir,
    dsn,
    query,
    running: () => proc !== undefined && !proc.exited(),
    logs: () => proc?.output() ?? '',
    async start() {
      if (proc && !proc.exited()) return;
      proc = startProcess(path.join(bin, 'postgres'), [
        '-D', dataDir, '-c', `port=${port}`, '-c', `unix_socket_directories=${socketDir}`,
      ], { ...runAs, cwd: baseDir });
      const p = proc;
      await Promise.race([
        waitForPort(port, 30_000),
        p.waitExit().then((r) => { throw new Error(`postgres ${name} exited with ${r}:\n${p.output()}`); }),
      ]);
      // The port opens before recovery ends; ready means it accepts a query.
      await until(`postgres ${name} to accept queries`, async () => (await query('SELECT 1')).length === 1, 30_000, 100);
    },
    async freeze() {
      if (proc && !proc.exited()) await freezeProcesses(processTree(proc.pid));
    },
    thaw,
    stop: () => halt('SIGINT'),
    crash: () => halt('SIGQUIT'),
  };
}
