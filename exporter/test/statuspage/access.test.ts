/*
 * Access control of the status page and its API (issue 8, acceptance 3), through the real
 * composition root: with `auth.read: token` the page and the API refuse a request without
 * credentials and work with the token (bearer or the sign-in cookie); IP allowlist; trusted proxy
 * header; cookie-authenticated writes need the page's header.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';

const TOKEN = 'page-test-token-4f9c2a';
/** The page's source shell: the build copies it as is, so these tests need no build. */
const STATIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../static');

let target: http.Server;
let targetUrl: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  target = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await new Promise<void>((r) => target.close(() => r()));
});

async function start(auth: string, staticDir = STATIC_DIR): Promise<Service> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-page-'));
  const file = path.join(dir, 'statusgraph.yml');
  fs.writeFileSync(file, `
interval: 1s
timeout: 500ms
listen: 127.0.0.1:0
data_dir: ${JSON.stringify(path.join(dir, 'data'))}
${auth}
components:
  - name: orders
    tier: service
    probes:
      - kind: http
        url: ${targetUrl}
`);
  const svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir });
  cleanups.push(async () => { await svc.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  return svc;
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const READ_PATHS = ['/', '/api/v1/components', '/api/v1/incidents', '/api/v1/uptime', '/api/v1/latency', '/api/v1/events', '/metrics'];

async function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ac = new AbortController();
  const r = await fetch(url, { headers, signal: ac.signal, redirect: 'manual' });
  ac.abort(); // the event stream never ends by itself
  return r.status;
}

function bootOf(html: string): Record<string, unknown> {
  const m = /<script id="boot" type="application\/json">(.*?)<\/script>/.exec(html);
  if (!m) throw new Error('no boot data in the page');
  return JSON.parse(m[1]!) as Record<string, unknown>;
}

describe('auth.read: token', () => {
  let svc: Service;
  beforeAll(async () => { svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: token`); });

  it('refuses the page and the API without credentials, with the sign-in form for the page', async () => {
    for (const p of READ_PATHS) expect([p, await status(svc.url + p)]).toEqual([p, 401]);
    const r = await fetch(`${svc.url}/`);
    expect(r.headers.get('www-authenticate')).toContain('Bearer');
    const html = await r.text();
    expect(html).toContain('<form method="post" action="login">');
    expect(html).not.toContain('id="boot"');
  });

  it('refuses a wrong token', async () => {
    for (const p of READ_PATHS) expect([p, await status(svc.url + p, { authorization: 'Bearer nope' })]).toEqual([p, 401]);
  });

  it('serves the page and the API with the bearer token', async () => {
    for (const p of READ_PATHS) expect([p, await status(svc.url + p, bearer)]).toEqual([p, 200]);
    const html = await (await fetch(`${svc.url}/`, { headers: bearer })).text();
    expect(bootOf(html)).toMatchObject({ canWrite: true, signedIn: false, readPublic: false, demo: false, intervalMs: 1000 });
    expect(html).not.toContain(TOKEN);
  });

  it('signs in with the form: HttpOnly SameSite=Strict cookie that then works for page and API', async () => {
    const bad = await fetch(`${svc.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'wrong' }), redirect: 'manual' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toMatch(/statusgraph_token=;.*Max-Age=0/);
    expect(await bad.text()).toContain('Invalid token.');

    const ok = await fetch(`${svc.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^statusgraph_token=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    const jar = { cookie: cookie.split(';')[0]! };
    for (const p of READ_PATHS) expect([p, await status(svc.url + p, jar)]).toEqual([p, 200]);
    const html = await (await fetch(`${svc.url}/`, { headers: jar })).text();
    expect(bootOf(html)).toMatchObject({ canWrite: true, signedIn: true });

    const out = await fetch(`${svc.url}/logout`, { method: 'POST', headers: jar, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('marks the cookie Secure when the page is reached over https through a proxy', async () => {
    const r = await fetch(`${svc.url}/login`, {
      method: 'POST', body: new URLSearchParams({ token: TOKEN }), headers: { 'x-forwarded-proto': 'https' }, redirect: 'manual',
    });
    expect(r.status).toBe(303);
    expect(r.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('refuses a sign-in posted from another origin', async () => {
    const r = await fetch(`${svc.url}/login`, {
      method: 'POST', body: new URLSearchParams({ token: TOKEN }), headers: { origin: 'http://evil.example' }, redirect: 'manual',
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('lets cookie-authenticated writes through only with the page header; nothing is written otherwise', async () => {
    const jar = { cookie: `statusgraph_token=${TOKEN}` };
    const body = JSON.stringify({ title: 'Checkout errors', components: ['orders'] });
    const count = async () => ((await (await fetch(`${svc.url}/api/v1/incidents`, { headers: bearer })).json()) as { incidents: unknown[] }).incidents.length;
    const before = await count();
    const forged = await fetch(`${svc.url}/api/v1/incidents`, { method: 'POST', headers: { ...jar, 'content-type': 'application/json' }, body });
    expect(forged.status).toBe(403);
    expect(await count()).toBe(before);
    const page = await fetch(`${svc.url}/api/v1/incidents`, { method: 'POST', headers: { ...jar, 'content-type': 'application/json', 'x-statusgraph-request': '1' }, body });
    expect(page.status).toBe(201);
    // A bearer client (curl, scripts) needs no page header.
    const api = await fetch(`${svc.url}/api/v1/incidents`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body });
    expect(api.status).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it('serves the static assets compressed', async () => {
    const r = await fetch(`${svc.url}/static/app.css`, { headers: { 'accept-encoding': 'gzip' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-encoding')).toBe('gzip');
    expect(r.headers.get('content-type')).toContain('text/css');
  });

  it('rejects a bad uptime window and changes nothing', async () => {
    const r = await fetch(`${svc.url}/api/v1/uptime?days=0`, { headers: bearer });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'days: must be an integer from 1 to 90' });
  });
});

describe('auth.read: public', () => {
  it('serves the page without credentials, without write forms', async () => {
    const svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: public`);
    const r = await fetch(`${svc.url}/`);
    expect(r.status).toBe(200);
    expect(bootOf(await r.text())).toMatchObject({ canWrite: false, readPublic: true });
    expect((await fetch(`${svc.url}/api/v1/incidents`, { method: 'POST', body: '{}' })).status).toBe(401);
    // The demo control exists only in demo mode.
    expect((await fetch(`${svc.url}/api/v1/demo/fail`, { method: 'POST', headers: bearer, body: '{"component":"orders"}' })).status).toBe(404);
  });
});

describe('without a built page', () => {
  it('answers 503 with the reason on GET /, and keeps serving the API', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-nopage-'));
    cleanups.push(() => fs.rmSync(empty, { recursive: true, force: true }));
    const svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: public`, empty);
    const r = await fetch(`${svc.url}/`);
    expect(r.status).toBe(503);
    expect(((await r.json()) as { error: string }).error).toContain('status page not built');
    expect((await fetch(`${svc.url}/api/v1/components`)).status).toBe(200);
  });
});

describe('IP allowlist and trusted proxy header', () => {
  it('refuses clients outside auth.allow, even with the token', async () => {
    const svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: token\n  allow: [10.0.0.0/8]`);
    expect(await status(`${svc.url}/`, bearer)).toBe(403);
    expect(await status(`${svc.url}/api/v1/components`, bearer)).toBe(403);
  });

  it('lets an SSO proxy authenticate readers by its header', async () => {
    const svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: token\n  trusted_proxy_header: X-Forwarded-User`);
    expect(await status(`${svc.url}/`)).toBe(401);
    const viaProxy = { 'x-forwarded-user': 'ada@example.com' };
    expect(await status(`${svc.url}/`, viaProxy)).toBe(200);
    expect(await status(`${svc.url}/api/v1/uptime`, viaProxy)).toBe(200);
    const html = await (await fetch(`${svc.url}/`, { headers: viaProxy })).text();
    // Reading through the proxy does not grant writes.
    expect(bootOf(html)).toMatchObject({ canWrite: false });
  });
});
