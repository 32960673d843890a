/*
 * The pieces of the compose stack that are ours to run: the example services (as their containers
 * start them, probed by a real exporter) and the Grafana token one-shot (against a stand-in that
 * follows Grafana's service-account HTTP API).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { freePort, until, waitForPort } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { repoPath } from './lib/paths.js';
// @ts-expect-error: a plain ES module without types, run by node in the compose stack
import { provisionToken } from '../../examples/compose/init/grafana-token.mjs';

const SERVICE = repoPath('examples/compose/services/service.mjs');

interface Svc { port: number; child: ChildProcess; output(): string }

async function startService(env: Record<string, string>): Promise<Svc> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVICE], { env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  await waitForPort(port, 10_000);
  return { port, child, output: () => out };
}

/** `node service.mjs mode VALUE`, as `docker compose exec <svc> node /srv/service.mjs mode VALUE` runs it. */
function setMode(svc: Svc, mode: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVICE, 'mode', mode], { env: { PATH: process.env.PATH, PORT: String(svc.port) } }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout });
    });
  });
}

async function stopService(svc: Svc | undefined): Promise<void> {
  if (!svc || svc.child.exitCode !== null) return;
  const exited = new Promise((r) => svc.child.once('exit', r));
  svc.child.kill('SIGTERM');
  await exited;
}

describe('example services under a real exporter', () => {
  let orders: Svc;
  let vendors: Svc;
  let slack: Svc;
  let exporter: RunningExporter;

  beforeAll(async () => {
    orders = await startService({ SERVICE_NAME: 'orders', SLOW_MS: '400' });
    vendors = await startService({ ROLE: 'vendor', SERVICE_NAME: 'vendors' });
    slack = await startService({ ROLE: 'slack', SERVICE_NAME: 'slack-sink' });
    // The probes of examples/compose/statusgraph.yml, pointed at these processes.
    exporter = await startExporter({
      config: `
interval: 1s
timeout: 900ms
components:
  - name: orders
    tier: service
    probes:
      - { kind: http, url: "http://127.0.0.1:${orders.port}/health", expect: { status: [200], body_contains: '"ok"' } }
  - name: stripe-api
    tier: third-party
    probes:
      - { kind: http, url: "http://127.0.0.1:${vendors.port}/stripe/healthcheck" }
      - { kind: statuspage, url: "http://127.0.0.1:${vendors.port}/stripe/api/v2/summary.json" }
  - name: sendgrid
    tier: third-party
    probes:
      - { kind: statuspage, url: "http://127.0.0.1:${vendors.port}/sendgrid/api/v2/summary.json", components: [API] }
`,
    });
  });

  afterAll(async () => {
    await exporter?.stop();
    for (const s of [orders, vendors, slack]) await stopService(s);
  });

  const stateOf = async (name: string) => (await exporter.components()).find((c) => c.name === name)?.state as string | undefined;

  it('starts operational, and `mode fail` / `mode ok` take a service down and up', async () => {
    await until('all operational', async () => (await exporter.components()).every((c) => c.state === 'operational'), 20_000);
    expect(await setMode(orders, 'fail')).toMatchObject({ code: 0 });
    await until('orders in major outage', async () => (await stateOf('orders')) === 'major_outage', 20_000);
    await setMode(orders, 'ok');
    await until('orders operational again', async () => (await stateOf('orders')) === 'operational', 20_000);
  });

  it('the vendor pages report what `mode` says, the way the statuspage probe reads them', async () => {
    await setMode(vendors, 'major');
    await until('sendgrid in partial outage from its page', async () => (await stateOf('sendgrid')) === 'partial_outage', 20_000);
    await setMode(vendors, 'critical');
    // critical also fails the vendor's health check: both probes of stripe-api fail.
    await until('stripe-api in major outage', async () => (await stateOf('stripe-api')) === 'major_outage', 20_000);
    await setMode(vendors, 'none');
    await until('vendors operational again', async () => (await stateOf('sendgrid')) === 'operational' && (await stateOf('stripe-api')) === 'operational', 20_000);
  });

  it('refuses an unknown mode and keeps the current one', async () => {
    const r = await setMode(orders, 'sideways');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('mode must be one of ok, slow, fail');
    const health = await fetch(`http://127.0.0.1:${orders.port}/health`);
    expect(health.status).toBe(200);
  });

  it('the slack sink accepts a webhook post and prints it', async () => {
    const body = JSON.stringify({ text: 'orders: Major outage (dependency: postgresql-primary unhealthy)' });
    const r = await fetch(`http://127.0.0.1:${slack.port}/services/demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('ok');
    await until('the message in the sink output', () => slack.output().includes(body), 5_000);
  });
});

/*
 * A Grafana stand-in for the service-account API (Grafana HTTP API: GET /api/health,
 * GET /api/serviceaccounts/search, POST /api/serviceaccounts, POST /api/serviceaccounts/:id/tokens)
 * and for checking a token (GET /api/annotations with Authorization: Bearer). Admin calls need
 * basic auth; a request outside the API gets 404 and is recorded, so a wrong call fails the test.
 */
async function startGrafanaAccounts(admin: { user: string; password: string }) {
  const accounts: { id: number; name: string; role: string }[] = [];
  const tokens = new Map<string, number>(); // key -> account id
  const tokenNames = new Set<string>();
  const unexpected: string[] = [];
  let healthy = false;
  let healthChecks = 0;
  const basic = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, data: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(data)); };
    if (url.pathname === '/api/health') healthChecks++;
    if (url.pathname === '/api/health') return healthy ? send(200, { database: 'ok' }) : send(503, { database: 'failing' });
    if (url.pathname === '/api/annotations' && req.method === 'GET') {
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return key && tokens.has(key) ? send(200, []) : send(401, { message: 'Unauthorized' });
    }
    if (req.headers.authorization !== basic) return send(401, { message: 'Unauthorized' });
    if (url.pathname === '/api/serviceaccounts/search' && req.method === 'GET') {
      const q = url.searchParams.get('query') ?? '';
      const found = accounts.filter((a) => a.name.includes(q));
      return send(200, { totalCount: found.length, serviceAccounts: found, page: 1, perPage: 1000 });
    }
    if (url.pathname === '/api/serviceaccounts' && req.method === 'POST') {
      if (typeof body?.name !== 'string' || !['Viewer', 'Editor', 'Admin'].includes(body.role)) return send(400, { message: 'bad request' });
      if (accounts.some((a) => a.name === body.name)) return send(400, { message: 'service account already exists' });
      const a = { id: accounts.length + 1, name: body.name as string, role: body.role as string };
      accounts.push(a);
      return send(201, { ...a, login: `sa-${a.name}`, orgId: 1, isDisabled: false });
    }
    const tok = /^\/api\/serviceaccounts\/(\d+)\/tokens$/.exec(url.pathname);
    if (tok && req.method === 'POST') {
      const id = Number(tok[1]);
      if (!accounts.some((a) => a.id === id)) return send(404, { message: 'service account not found' });
      if (typeof body?.name !== 'string' || tokenNames.has(body.name)) return send(409, { message: 'token name taken' });
      tokenNames.add(body.name);
      const key = `glsa_${Math.random().toString(36).slice(2)}`;
      tokens.set(key, id);
      return send(200, { id: tokens.size, name: body.name, key });
    }
    unexpected.push(`${req.method} ${req.url}`);
    return send(404, { message: 'not found' });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${port}`,
    accounts, tokens, unexpected,
    setHealthy(h: boolean) { healthy = h; },
    healthChecks: () => healthChecks,
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('grafana-init: the exporter\'s Grafana token', () => {
  const admin = { user: 'admin', password: 'admin-pw' };
  let grafana: Awaited<ReturnType<typeof startGrafanaAccounts>>;
  const dir = tempDir('statusgraph-grafana-init-');
  const tokenFile = path.join(dir.path, 'token-volume', 'token');
  const opts = () => ({ grafanaUrl: grafana.url, adminUser: admin.user, adminPassword: admin.password, tokenFile, waitMs: 10_000, sleep: (ms: number) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) });

  beforeAll(async () => { grafana = await startGrafanaAccounts(admin); });
  afterAll(async () => { try { await grafana?.stop(); } finally { dir.remove(); } });

  it('waits for Grafana, creates an Editor service account and writes a working token, readable by its owner only', async () => {
    const run = provisionToken(opts());
    // Grafana is still starting: it keeps asking, and creates nothing until Grafana is healthy.
    await until('repeated health checks', () => grafana.healthChecks() >= 3, 5_000, 10);
    expect(grafana.accounts).toEqual([]);
    grafana.setHealthy(true);
    expect(await run).toEqual({ created: true });
    expect(grafana.accounts).toEqual([expect.objectContaining({ name: 'statusgraph-exporter', role: 'Editor' })]);
    const key = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(grafana.tokens.has(key)).toBe(true);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o400);
    expect(grafana.unexpected).toEqual([]);
  });

  it('keeps a token that still works, so restarts do not pile up tokens', async () => {
    const before = fs.readFileSync(tokenFile, 'utf8');
    expect(await provisionToken(opts())).toEqual({ created: false });
    expect(fs.readFileSync(tokenFile, 'utf8')).toBe(before);
    expect(grafana.tokens.size).toBe(1);
  });

  it('replaces a revoked token, reusing the service account', async () => {
    grafana.tokens.clear();
    expect(await provisionToken(opts())).toEqual({ created: true });
    expect(grafana.accounts).toHaveLength(1);
    expect(grafana.tokens.has(fs.readFileSync(tokenFile, 'utf8').trim())).toBe(true);
  });

  it('fails with a clear message on wrong admin credentials, leaving the token file alone', async () => {
    grafana.tokens.clear();
    const before = fs.readFileSync(tokenFile, 'utf8');
    await expect(provisionToken({ ...opts(), adminPassword: 'wrong' })).rejects.toThrow(/HTTP 401/);
    expect(fs.readFileSync(tokenFile, 'utf8')).toBe(before);
  });

  it('gives up with a clear message when Grafana never becomes healthy', async () => {
    grafana.setHealthy(false);
    await expect(provisionToken({ ...opts(), waitMs: 300 })).rejects.toThrow(/not healthy after 300 ms/);
  });
});
