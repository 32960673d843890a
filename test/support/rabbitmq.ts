import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import amqp from 'amqplib';
import { freePort, until, waitForPort } from './ports.js';
import { tempDir } from './tmp.js';
import { childPids, freezeProcesses, processTree, startProcess, thawProcesses, type OwnedProcess } from './process.js';

/** Debian's rabbitmq-server layout; RABBITMQ_SCRIPTS overrides. The /usr/sbin wrapper would su to the system user and its files. */
const SCRIPTS = process.env.RABBITMQ_SCRIPTS ?? '/usr/lib/rabbitmq/bin';
const EPMD = process.env.EPMD ?? 'epmd';

export interface RabbitServer {
  readonly port: number;
  readonly user: string;
  /** The broker user's password (random per broker). */
  readonly password: string;
  /** amqp://user:password@127.0.0.1:port/ ; pass another password for a wrong-credentials URL. */
  url(opts?: { password?: string; vhost?: string }): string;
  /** A connection for the test itself (publishing, declaring); closed by stop(). */
  connect(): Promise<amqp.ChannelModel>;
  /** Boots it again after stop()/crash(), with the same data (users, durable queues). */
  start(): Promise<void>;
  /** Graceful stop: clients get connection-forced, the port closes. */
  stop(): Promise<void>;
  /** SIGKILL, like a crash. */
  crash(): Promise<void>;
  /** SIGSTOP to the VM, resolved once it is really stopped: the port stays open, nothing answers. */
  freeze(): Promise<void>;
  /** SIGCONT after freeze(). */
  thaw(): void;
  running(): boolean;
  logs(): string;
  /** Stops it for good (broker and its private epmd) and deletes its directory (afterAll). */
  destroy(): Promise<void>;
}

/**
 * Starts a RabbitMQ node of its own: private node name, AMQP and distribution ports, its own epmd
 * on a free port (so the system broker and its epmd on 4369 are never touched), data and logs in a
 * temporary directory. Boot takes seconds: start one per test file.
 */
export async function startRabbit(): Promise<RabbitServer> {
  const dir = tempDir('sg-rabbit-');
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const suffix = crypto.randomBytes(4).toString('hex');
  const user = 'statusgraph';
  const password = `pw-${crypto.randomBytes(12).toString('hex')}`;
  const confFile = path.join(dir.path, 'rabbitmq.conf');
  fs.writeFileSync(confFile, [
    `listeners.tcp.default = 127.0.0.1:${port}`,
    `default_user = ${user}`,
    `default_pass = ${password}`,
    'loopback_users = none',
    // Test machines have little free disk; the default limit would block publishers.
    'disk_free_limit.absolute = 1MB',
    'log.console = true',
    'log.console.level = warning',
    'log.file = false',
    '',
  ].join('\n'), { mode: 0o600 });
  fs.writeFileSync(path.join(dir.path, 'enabled_plugins'), '[].\n');
  // An empty env file, so the system's /etc/rabbitmq/rabbitmq-env.conf (node name, ports) is not read.
  fs.writeFileSync(path.join(dir.path, 'rabbitmq-env.conf'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: dir.path,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_CONF_ENV_FILE: path.join(dir.path, 'rabbitmq-env.conf'),
    RABBITMQ_NODENAME: `sg-${suffix}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: confFile,
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir.path, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: path.join(dir.path, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir.path, 'log'),
    RABBITMQ_PID_FILE: path.join(dir.path, 'rabbit.pid'),
    // epmd is started (and stopped) by us below; the node must not spawn a detached one.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
  };
  let epmd: OwnedProcess | undefined;
  let proc: OwnedProcess | undefined;
  const connections: amqp.ChannelModel[] = [];
  const url: RabbitServer['url'] = (o = {}) =>
    `amqp://${user}:${encodeURIComponent(o.password ?? password)}@127.0.0.1:${port}/${encodeURIComponent(o.vhost ?? '/')}`;

  const closeConnections = async () => {
    for (const c of connections.splice(0)) await c.close().catch(() => undefined);
  };
  const server: RabbitServer = {
    port,
    user,
    password,
    url,
    async connect() {
      const c = await amqp.connect(url());
      c.on('error', () => undefined);
      connections.push(c);
      return c;
    },
    running: () => proc !== undefined && !proc.exited(),
    logs: () => `${epmd?.output() ?? ''}${proc?.output() ?? ''}`,
    async start() {
      if (!epmd || epmd.exited()) {
        epmd = startProcess(EPMD, ['-port', String(epmdPort), '-address', '127.0.0.1'], { env, cwd: dir.path });
        await waitForPort(epmdPort, 10_000);
      }
      if (proc && !proc.exited()) return;
      proc = startProcess(path.join(SCRIPTS, 'rabbitmq-server'), [], { env, cwd: dir.path });
      const p = proc;
      await Promise.race([
        waitForPort(port, 90_000),
        p.waitExit().then((r) => { throw new Error(`rabbitmq-server exited with ${r}:\n${p.output()}`); }),
      ]);
      await until('rabbitmq to accept an AMQP login', async () => {
        const c = await amqp.connect(url());
        c.on('error', () => undefined);
        await c.close();
        return true;
      }, 30_000, 100);
    },
    async stop() {
      server.thaw();
      await closeConnections();
      if (!proc || proc.exited()) return;
      const vm = childPids(proc.pid);
      await proc.stop('SIGTERM', 30_000);
      // Should the script have been killed after the grace period, its VM must not outlive it.
      for (const pid of vm) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    },
    async crash() {
      connections.splice(0);
      if (!proc || proc.exited()) return;
      for (const pid of childPids(proc.pid)) process.kill(pid, 'SIGKILL');
      await proc.waitExit();
    },
    // The Debian script runs the Erlang VM as its background child (and forwards SIGTERM to it):
    // freezing means stopping that child.
    async freeze() {
      if (proc && !proc.exited()) await freezeProcesses(processTree(proc.pid).slice(1));
    },
    thaw() {
      if (proc && !proc.exited()) thawProcesses(processTree(proc.pid).slice(1));
    },
    async destroy() {
      await server.stop();
      await epmd?.stop('SIGTERM', 5_000);
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
