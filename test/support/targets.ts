import http from 'node:http';
import net from 'node:net';
import { freePort } from './ports.js';

/** Listens on the fixed loopback port, so a restarted target comes back where probes expect it. */
function listenOn(server: net.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise<void>((r) => server.close(() => r()));
}

export interface HttpTargetBehaviour {
  status: number;
  body: string;
  /** Delay before answering, ms. */
  delayMs: number;
  /** Accept the request and never answer. */
  hang: boolean;
}

/**
 * A local HTTP server whose answer a test changes at will, and which can be stopped and started
 * again on the same port (a service going down and coming back).
 */
export class HttpTarget {
  behaviour: HttpTargetBehaviour = { status: 200, body: '{"status":"ok"}', delayMs: 0, hang: false };
  requests = 0;
  private server?: http.Server;
  private readonly pending = new Set<http.ServerResponse>();

  private constructor(readonly port: number) {}

  static async start(): Promise<HttpTarget> {
    const t = new HttpTarget(await freePort());
    await t.up();
    return t;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }

  set(b: Partial<HttpTargetBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...b };
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => {
      this.requests++;
      req.resume();
      const b = this.behaviour;
      if (b.hang) { this.pending.add(res); res.on('close', () => this.pending.delete(res)); return; }
      const answer = () => res.writeHead(b.status, { 'content-type': 'application/json' }).end(b.body);
      if (b.delayMs > 0) setTimeout(answer, b.delayMs); else answer();
    });
    await listenOn(server, this.port);
    this.server = server;
  }

  /** Stops listening and drops every connection: the next probe is refused. */
  async down(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    for (const r of this.pending) r.destroy();
    s.closeAllConnections();
    await closeServer(s);
  }
}

/** A TCP listener that can be stopped and restarted on the same port. */
export class TcpTarget {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private constructor(readonly port: number) {}

  static async start(): Promise<TcpTarget> {
    const t = new TcpTarget(await freePort());
    await t.up();
    return t;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); s.on('error', () => undefined); });
    await listenOn(server, this.port);
    this.server = server;
  }

  async down(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    for (const so of this.sockets) so.destroy();
    await closeServer(s);
  }
}

/** A three-level dependency chain, top -> api -> db: two HTTP services over a TCP database. */
export interface Chain {
  readonly top: HttpTarget;
  readonly api: HttpTarget;
  readonly db: TcpTarget;
}

export async function startChain(): Promise<Chain> {
  const [top, api, db] = await Promise.all([HttpTarget.start(), HttpTarget.start(), TcpTarget.start()]);
  return { top, api, db };
}

/** The `components:` block of a config for `chain`; `dbExtra` adds keys to the db component. */
export function chainComponents(chain: Chain, topName: string, dbExtra: readonly string[] = []): string {
  return `components:
  - name: ${topName}
    tier: service
    depends_on: [api]
    probes: [{ kind: http, url: "${chain.top.url}" }]
  - name: api
    tier: service
    depends_on: [db]
    probes: [{ kind: http, url: "${chain.api.url}" }]
  - name: db
    tier: infrastructure
${dbExtra.map((l) => `    ${l}\n`).join('')}    probes: [{ kind: tcp, address: "${chain.db.address}" }]
`;
}
