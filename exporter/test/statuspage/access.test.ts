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

/** Signs in through the form as the page does; returns the cookie header of the session. */
async function signIn(svc: Service): Promise<{ cookie: string }> {
  const r = await fetch(`${svc.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
  if (r.status !== 303) throw new Error(`sign-in failed: ${r.status}`);
  return { cookie: r.headers.getSetCookie()[0]!.split(';')[0]! };
}
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
    expect(bad.headers.getSetCookie()[0]).toMatch(/statusgraph_session=;.*Max-Age=0/);
    expect(await bad.text()).toContain('Invalid token.');

    const ok = await fetch(`${svc.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(ok.status).toBe(303);
    const cookie = ok.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^statusgraph_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    // The cookie holds a random session id, not the token.
    expect(cookie).not.toContain(TOKEN);
    const jar = { cookie: cookie.split(';')[0]! };
    for (const p of READ_PATHS) expect([p, await status(svc.url + p, jar)]).toEqual([p, 200]);
    const html = await (await fetch(`${svc.url}/`, { headers: jar })).text();
    expect(bootOf(html)).toMatchObject({ canWrite: true, signedIn: true });

    // What a browser sends with the page's sign-out form.
    const out = await fetch(`${svc.url}/logout`, { method: 'POST', headers: { ...jar, origin: svc.url }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    // Sign-out ends the session on the server: the old cookie, replayed, no longer reads.
    expect(await status(`${svc.url}/api/v1/components`, jar)).toBe(401);
  });

  it('marks the cookie Secure when the page is reached over https through a proxy', async () => {
    const r = await fetch(`${svc.url}/login`, {
      method: 'POST', body: new URLSearchParams({ token: TOKEN }), headers: { 'x-forwarded-proto': 'https' }, redirect: 'manual',
    });
    expect(r.status).toBe(303);
    expect(r.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });

  it('refuses a sign-in posted from another origin', async () => {
    const r = await fetch(`${svc.url}/login`, {
      method: 'POST', body: new URLSearchParams({ token: TOKEN }), headers: { origin: 'http://evil.example' }, redirect: 'manual',
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('lets cookie-authenticated writes through only with the page header; nothing is written otherwise', async () => {
    const jar = await signIn(svc);
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
    const svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: token\n  trusted_proxy_header: X-Forwarded-User\n  trusted_proxies: [127.0.0.1/32]`);
    expect(await status(`${svc.url}/`)).toBe(401);
    const viaProxy = { 'x-forwarded-user': 'ada@example.com' };
    expect(await status(`${svc.url}/`, viaProxy)).toBe(200);
    expect(await status(`${svc.url}/api/v1/uptime`, viaProxy)).toBe(200);
    const html = await (await fetch(`${svc.url}/`, { headers: viaProxy })).text();
    // Reading through the proxy does not grant writes.
    expect(bootOf(html)).toMatchObject({ canWrite: false });
  });

  it('ignores the proxy header from an address outside auth.trusted_proxies', async () => {
    const svc = await start(`auth:\n  tokens: [${TOKEN}]\n  read: token\n  trusted_proxy_header: X-Remote-User\n  trusted_proxies: [10.0.0.5/32]`);
    const spoofed = { 'x-remote-user': 'eve' };
    for (const p of READ_PATHS) expect([p, await status(svc.url + p, spoofed)]).toEqual([p, 401]);
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 with Retry-After after 10 failures from one client, even to the right token, and logs failures without the token', async () => {
    const lines: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-limit-'));
    const file = path.join(dir, 'statusgraph.yml');
    fs.writeFileSync(file, `listen: 127.0.0.1:0\ndata_dir: ${JSON.stringify(path.join(dir, 'data'))}\nauth:\n  tokens: [${TOKEN}]\ncomponents:\n  - name: orders\n    tier: service\n    probes:\n      - kind: http\n        url: ${targetUrl}\n`);
    const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(l); } });
    const svc = await startService({ configFile: file, logger, staticDir: STATIC_DIR });
    cleanups.push(async () => { await svc.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
    const login = (token: string) => fetch(`${svc.url}/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    const guess = `${TOKEN}-guess`;
    for (let i = 0; i < 10; i++) expect((await login(guess)).status).toBe(401);
    const limited = await login(guess);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.text()).toContain('Too many failed sign-ins');
    // While limited, the right token is refused too: otherwise the limit would leak which guess was right.
    expect((await login(TOKEN)).status).toBe(429);
    const failed = lines.filter((l) => l.includes('"login_failed"'));
    expect(failed).toHaveLength(10);
    expect(failed[0]).toContain('"client":"127.0.0.1"');
    expect(lines.join('\n')).not.toContain(guess);
  });
});

/*
 * CSRF from a second local origin: what a browser sends when a page on another port of the same
 * host submits a form or calls fetch. SameSite=Strict lets the cookie through (same site), so the
 * server itself must refuse, on every state-changing route, and change nothing.
 */
describe('state-changing routes refuse a second local origin', () => {
  let svc: Service;
  let dir: string;
  const demoCalls: string[] = [];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-csrf-'));
    const file = path.join(dir, 'statusgraph.yml');
    fs.writeFileSync(file, `listen: 127.0.0.1:0\ndata_dir: ${JSON.stringify(path.join(dir, 'data'))}\nauth:\n  tokens: [${TOKEN}]\ncomponents:\n  - name: orders\n    tier: service\n    probes:\n      - kind: http\n        url: ${targetUrl}\n`);
    const demo = {
      components: () => [{ name: 'orders', failed: false, slow: false, broken: false }],
      fail: async (n: string) => { demoCalls.push(`fail ${n}`); },
      heal: async (n: string) => { demoCalls.push(`heal ${n}`); },
      slow: async (n: string) => { demoCalls.push(`slow ${n}`); },
    };
    svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: STATIC_DIR, demo });
    cleanups.push(async () => { await svc.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  });

  it('refuses each with 403, with the session cookie or without credentials, and nothing changes', async () => {
    const jar = await signIn(svc);
    const created = await fetch(`${svc.url}/api/v1/incidents`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Checkout errors', components: ['orders'] }) });
    const id = ((await created.json()) as { id: string }).id;
    const other = `http://127.0.0.1:${Number(new URL(svc.url).port) + 1}`;
    const routes: [string, string, string][] = [
      ['/-/reload', 'application/x-www-form-urlencoded', ''],
      ['/logout', 'application/x-www-form-urlencoded', ''],
      ['/login', 'application/x-www-form-urlencoded', `token=${TOKEN}`],
      ['/api/v1/incidents', 'text/plain', JSON.stringify({ title: 'forged', components: ['orders'] })],
      [`/api/v1/incidents/${id}/updates`, 'text/plain', JSON.stringify({ text: 'forged' })],
      [`/api/v1/incidents/${id}/resolve`, 'text/plain', JSON.stringify({ text: 'forged' })],
      ['/api/v1/demo/fail', 'text/plain', JSON.stringify({ component: 'orders' })],
      ['/api/v1/demo/heal', 'text/plain', JSON.stringify({ component: 'orders' })],
      ['/api/v1/demo/slow', 'text/plain', JSON.stringify({ component: 'orders' })],
    ];
    // Let a reload be visible: a second component in the file.
    const file = svc.config().file;
    fs.appendFileSync(file, `  - name: billing\n    tier: service\n    probes:\n      - kind: http\n        url: ${targetUrl}\n`);
    for (const cookie of [jar, {}]) {
      for (const [route, type, body] of routes) {
        // Chromium's headers for a cross-port form post; fetch() from that page sends the same two.
        const r = await fetch(svc.url + route, {
          method: 'POST', redirect: 'manual', body,
          headers: { ...cookie, origin: other, 'sec-fetch-site': 'same-site', 'content-type': type },
        });
        expect([route, r.status]).toEqual([route, 403]);
        expect(((await r.json()) as { error: string }).error).toContain('cross-site request refused');
        expect(r.headers.getSetCookie()).toEqual([]);
      }
      // Sec-Fetch-Site alone (a browser that leaves Origin out) is enough to refuse.
      const r = await fetch(`${svc.url}/-/reload`, { method: 'POST', headers: { ...cookie, 'sec-fetch-site': 'same-site' } });
      expect(r.status).toBe(403);
    }
    expect(svc.config().components.map((c) => c.name)).toEqual(['orders']);
    expect(demoCalls).toEqual([]);
    const inc = (await (await fetch(`${svc.url}/api/v1/incidents/${id}`, { headers: bearer })).json()) as { status: string; timeline: unknown[] };
    expect(inc.status).not.toBe('resolved');
    const list = (await (await fetch(`${svc.url}/api/v1/incidents`, { headers: bearer })).json()) as { incidents: unknown[] };
    expect(list.incidents).toHaveLength(1);
    // The session survived the forged sign-out.
    expect(await status(`${svc.url}/api/v1/components`, jar)).toBe(200);
    // The page itself (same origin) and bearer clients still reload.
    expect((await fetch(`${svc.url}/-/reload`, { method: 'POST', headers: { ...jar, origin: svc.url, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    expect(svc.config().components.map((c) => c.name)).toEqual(['orders', 'billing']);
  });
});
