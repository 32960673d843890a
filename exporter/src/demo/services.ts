/**
 * The simulated services: real HTTP and TCP servers on free loopback ports, so the exporter's real
 * probes see real refusals and 503s. Failing a component closes its listeners (connections are
 * refused); a component whose dependency is broken answers 503; a vendor's status page keeps
 * answering and reports the outage, as a real one would.
 */
import http from 'node:http';
import net from 'node:net';
import { demoBaselineMs, type DemoComponent, type DemoProbe } from './topology.js';
import type { DemoWorld } from './world.js';

export interface Endpoint {
  readonly component: string;
  readonly probe: DemoProbe;
  readonly port: number;
}

interface Listener {
  readonly endpoint: Endpoint;
  readonly server: net.Server;
  readonly sockets: Set<net.Socket>;
  /** Whether failing the component closes it (everything but the vendor's status page). */
  readonly closesOnFail: boolean;
  listening: boolean;
}

const HOST = '127.0.0.1';

function jitter(ms: number, random: () => number): number {
  return Math.max(0, ms * (0.6 + 0.8 * random()));
}

/** How much slower than its demo baseline a "slow" component answers. */
export const SLOW_FACTOR = 3;

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export interface SimulatedServices {
  readonly endpoints: readonly Endpoint[];
  /** Applies the world's failures to the listeners (close the failed, reopen the healed). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulatedServices(world: DemoWorld, opts: { random?: () => number } = {}): Promise<SimulatedServices> {
  const random = opts.random ?? Math.random;
  const listeners: Listener[] = [];

  // A slow component answers at SLOW_FACTOR times its baseline: over 2x, so "degraded", yet well
  // inside the probe deadline.
  const delay = (c: DemoComponent) => (world.isSlow(c.name) ? demoBaselineMs(c) * SLOW_FACTOR : jitter(c.latencyMs, random));

  const respond = (c: DemoComponent, probe: DemoProbe, req: http.IncomingMessage, res: http.ServerResponse) => {
    const send = (status: number, body: unknown) => {
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      }, delay(c));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (probe === 'statuspage') {
      if (path !== '/api/v2/summary.json') return send(404, { error: 'not found' });
      const down = world.isFailed(c.name);
      return send(200, {
        page: { id: `demo-${c.name}`, name: c.displayName, url: `http://${HOST}`, time_zone: 'Etc/UTC', updated_at: new Date().toISOString() },
        status: down ? { indicator: 'critical', description: 'Major System Outage' } : { indicator: 'none', description: 'All Systems Operational' },
        components: [{ id: 'api', name: 'API', status: down ? 'major_outage' : 'operational', group: false }],
        incidents: down ? [{ name: `${c.displayName} unavailable`, status: 'investigating' }] : [],
        scheduled_maintenances: [],
      });
    }
    if (probe === 'replication') {
      if (path !== '/replication') return send(404, { error: 'not found' });
      const dep = world.brokenDependency(c.name);
      return dep
        ? send(503, { status: 'replication broken', upstream: dep })
        : send(200, { status: 'ok', lag_seconds: Math.round(random() * 300) / 1000 });
    }
    if (path !== '/health') return send(404, { error: 'not found' });
    const dep = world.brokenDependency(c.name);
    return dep ? send(503, { status: 'unavailable', dependency: dep }) : send(200, { status: 'ok' });
  };

  const serverFor = (c: DemoComponent, probe: DemoProbe): net.Server => {
    if (probe === 'tcp') {
      return net.createServer((socket) => {
        socket.setEncoding('utf8');
        socket.on('error', () => undefined);
        socket.on('data', (d: string) => {
          if (d.includes('PING')) setTimeout(() => { if (!socket.destroyed) socket.write('+PONG\r\n'); }, delay(c));
        });
      });
    }
    const server = http.createServer((req, res) => respond(c, probe, req, res));
    server.keepAliveTimeout = 5_000;
    return server;
  };

  try {
    for (const c of world.components) {
      for (const probe of c.probes) {
        const server = serverFor(c, probe);
        const sockets = new Set<net.Socket>();
        server.on('connection', (s: net.Socket) => {
          sockets.add(s);
          s.once('close', () => sockets.delete(s));
        });
        const port = await listen(server, 0);
        listeners.push({ endpoint: { component: c.name, probe, port }, server, sockets, closesOnFail: probe !== 'statuspage', listening: true });
      }
    }
  } catch (err) {
    for (const l of listeners) l.server.close();
    throw err;
  }

  const stop = (l: Listener) => new Promise<void>((resolve) => {
    l.listening = false;
    l.server.close(() => resolve());
    // Open keep-alive connections would keep answering: a down service drops them too.
    for (const s of l.sockets) s.destroy();
  });

  let syncing = Promise.resolve();
  return {
    endpoints: listeners.map((l) => l.endpoint),
    sync() {
      // Serialised: a fail and a heal in quick succession must not race on the same port.
      syncing = syncing.then(async () => {
        for (const l of listeners) {
          if (!l.closesOnFail) continue;
          const down = world.isFailed(l.endpoint.component);
          if (down && l.listening) await stop(l);
          else if (!down && !l.listening) {
            await listen(l.server, l.endpoint.port);
            l.listening = true;
          }
        }
      });
      return syncing;
    },
    async close() {
      await syncing.catch(() => undefined);
      await Promise.all(listeners.filter((l) => l.listening).map(stop));
    },
  };
}
