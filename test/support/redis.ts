import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, until, waitForPort } from './ports.js';
import { tempDir } from './tmp.js';
import { startProcess, type OwnedProcess } from './process.js';

/** Debian's redis-server; REDIS_SERVER overrides. */
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export interface RedisServer {
  readonly port: number;
  /** The `requirepass` password (random per server). */
  readonly password: string;
  /** redis://:password@127.0.0.1:port; pass another password for a wrong-credentials URL. */
  url(opts?: { password?: string | null; db?: number }): string;
  /** A new client for the test itself (authenticated); closed by stop(). */
  client(): Redis;
  /** Starts it again after stop(), on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good and deletes its directory (afterAll). */
  destroy(): Promise<void>;
  running(): boolean;
  logs(): string;
}

/** Starts redis-server on a free loopback port in a temporary directory, with a password and no persistence. */
export async function startRedis(): Promise<RedisServer> {
  const dir = tempDir('sg-redis-');
  const port = await freePort();
  const password = `pw-${crypto.randomBytes(12).toString('hex')}`;
  const confFile = path.join(dir.path, 'redis.conf');
  const clients: Redis[] = [];
  let proc: OwnedProcess | undefined;
  const url: RedisServer['url'] = (o = {}) => {
    const pw = o.password === null ? '' : `:${encodeURIComponent(o.password ?? password)}@`;
    return `redis://${pw}127.0.0.1:${port}${o.db !== undefined ? `/${o.db}` : ''}`;
  };
  const server: RedisServer = {
    port,
    password,
    url,
    client() {
      const c = new Redis(url(), { lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    running: () => proc !== undefined && !proc.exited(),
    logs: () => proc?.output() ?? '',
    async start() {
      if (proc && !proc.exited()) return;
      // The password goes in a private config file: command lines are visible to every local user.
      fs.writeFileSync(confFile, `requirepass ${password}\n`, { mode: 0o600 });
      proc = startProcess(REDIS_SERVER, [
        confFile, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir.path, '--save', '', '--appendonly', 'no',
        '--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'warning',
      ], { cwd: dir.path });
      const p = proc;
      await Promise.race([
        waitForPort(port, 15_000),
        p.waitExit().then((r) => { throw new Error(`redis-server exited with ${r}:\n${p.output()}`); }),
      ]);
      await until('redis to answer PING', async () => {
        const c = new Redis(url(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => undefined);
        try {
          await c.connect();
          return (await c.ping()) === 'PONG';
        } finally {
          c.disconnect();
        }
      }, 15_000, 50);
    },
    async stop() {
      for (const c of clients.splice(0)) c.disconnect();
      await proc?.stop('SIGTERM', 10_000);
    },
    async destroy() {
      await server.stop();
      dir.remove();
    },
  };
  try {
    await server.start();
  } catch (e) {
    await server.destroy().catch(() => undefined);
    throw e;
  }
  return server;
}
