/*
 * Audience pages through the real composition root (issue 20): a public listener beside the
 * internal one with `auth.read: token`, and a page mounted at a path of the internal listener. The
 * Statuspage v2 documents validate against the schema written from the fixtures (also with an open
 * incident); an outage of an internal dependency shows on the public component by impact;
 * publishing with three updates and a resolution shows the same sequence in incidents.json, the
 * HTML page and both feeds (parsed with feedsmith, their required elements checked); ETag; every
 * route of both pages refuses every write (405); automatic notices only on the page that enables
 * them; statusgraph's own statuspage probe reading the public summary (outage and maintenance).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeeds, statuspageValid as valid } from './formats.js';
import { PAGE_PATHS, until, WRITE_METHODS } from './support.js';
import { startService, type Service } from '../../src/app.js';
import { parseSummary, statuspageOutcome } from '../../src/probes/statuspage.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../probes/fixtures/statuspage');
const TOKEN = 'public-page-test-token-7d1e';
const DOCS = ['summary.json', 'status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json',
  'scheduled-maintenances.json', 'scheduled-maintenances/upcoming.json', 'scheduled-maintenances/active.json'];
const DEF: Record<string, string> = {
  'summary.json': 'summary', 'status.json': 'statusDoc', 'components.json': 'componentsDoc', 'incidents.json': 'incidentsDoc',
  'incidents/unresolved.json': 'incidentsDoc', 'scheduled-maintenances.json': 'maintenancesDoc',
  'scheduled-maintenances/upcoming.json': 'maintenancesDoc', 'scheduled-maintenances/active.json': 'maintenancesDoc',
};


let db = { up: true };
let vendor = { indicator: 'none', status: 'operational' };
const servers: http.Server[] = [];
let svc: Service;
let pub: string;
/** The partners page, mounted on the internal listener. */
let mounted: string;
let dir: string;

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  servers.push(s);
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const dbUrl = await serve((_req, res) => { res.writeHead(db.up ? 200 : 503); res.end(db.up ? 'ok' : 'down'); });
  const vendorUrl = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: { indicator: vendor.indicator }, components: [{ name: 'API', status: vendor.status }], incidents: [], scheduled_maintenances: [] }));
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-public-'));
  const file = path.join(dir, 'statusgraph.yml');
  fs.writeFileSync(file, `
interval: 500ms
timeout: 400ms
listen: 127.0.0.1:0
data_dir: ${JSON.stringify(path.join(dir, 'data'))}
auth: { tokens: [${TOKEN}], read: token }
components:
  - { name: pg-main, tier: infrastructure, probes: [{ kind: http, url: "${dbUrl}/health" }] }
  - { name: billing-svc, tier: service, depends_on: [pg-main], probes: [{ kind: http, url: "${dbUrl}/health" }] }
  - { name: mailer-vendor, tier: third-party, probes: [{ kind: statuspage, url: "${vendorUrl}/api/v2/summary.json", components: [API] }] }
pages:
  - id: public
    title: Example status
    listen: 127.0.0.1:0
    components:
      - { name: Checkout, group: Shop, description: Paying for an order, internal: [billing-svc] }
      - { name: Email, internal: [mailer-vendor] }
  - id: partners
    title: Partner status
    path: /partners
    auto_publish: true
    components:
      - { name: Billing API, internal: [billing-svc] }
`);
  svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: path.resolve(HERE, '../../static') });
  pub = svc.pageUrls.get('public')!;
  mounted = svc.pageUrls.get('partners')!;
});

afterAll(async () => {
  await svc?.stop();
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const getJson = async (p: string) => (await fetch(`${pub}/api/v2/${p}`)).json() as Promise<Record<string, unknown>>;
type Summary = { components: { id: string; name: string; status: string; group_id: string | null }[]; status: { indicator: string } };
const write = (p: string, body: unknown) => fetch(`${svc.url}${p}`, {
  method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

describe('the schema of the public format', () => {
  it('accepts every fixture, and refuses what the fixtures never have', () => {
    const fixture = (f: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as Record<string, Record<string, unknown>[]>;
    for (const f of fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.json'))) {
      expect([f, valid('summary', fixture(f))]).toEqual([f, 'valid']);
    }
    const refused = (f: string, change: (d: Record<string, Record<string, unknown>[]>) => void) => {
      const d = fixture(f);
      change(d);
      return valid('summary', d);
    };
    // A status outside the format, a field the format has not (something internal would go there), a field it always has missing.
    expect(refused('operational.json', (d) => { d.components![1]!.status = 'down'; })).toMatch(/must be equal to one of the allowed values/);
    expect(refused('operational.json', (d) => { d.components![1]!.internal = ['pg-main']; })).toMatch(/must NOT have additional properties/);
    expect(refused('operational.json', (d) => { delete d.components![1]!.start_date; })).toMatch(/must have required property 'start_date'/);
    // An incident's update with a maintenance's status, and a group without members.
    expect(refused('major-outage.json', (d) => { (d.incidents![0]!.incident_updates as { status: string }[])[0]!.status = 'scheduled'; })).not.toBe('valid');
    expect(refused('major-outage.json', (d) => { d.components![0]!.components = []; })).not.toBe('valid');
    expect(refused('maintenance.json', (d) => { delete d.scheduled_maintenances![0]!.scheduled_until; })).toMatch(/scheduled_until/);
  });
});

describe('a public page beside the internal one', () => {
  it('serves every document in the Statuspage v2 format, groups with group_id', async () => {
    const s = await until('first cycle', async () => {
      const d = await getJson('summary.json') as unknown as Summary;
      return d.components.every((c) => c.status === 'operational') && svc.snapshot().cyclesCompleted > 0 ? d : undefined;
    });
    expect(s.components.map((c) => [c.id, c.name, c.group_id])).toEqual([['group-shop', 'Shop', null], ['checkout', 'Checkout', 'group-shop'], ['email', 'Email', null]]);
    expect(s.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    for (const d of DOCS) expect([d, valid(DEF[d]!, await getJson(d))]).toEqual([d, 'valid']);
    for (const d of DOCS) expect([`partners ${d}`, valid(DEF[d]!, await (await fetch(`${mounted}/api/v2/${d}`)).json())]).toEqual([`partners ${d}`, 'valid']);
  });

  it('refuses anonymous reads internally while the public listener answers, and never takes a write', async () => {
    expect((await fetch(`${svc.url}/api/v1/components`)).status).toBe(401);
    expect((await fetch(`${pub}/api/v2/summary.json`)).status).toBe(200);
    // The mounted page has its own access rule on the internal listener: public, read-only.
    expect(mounted).toBe(`${svc.url}/partners`);
    expect((await fetch(`${mounted}/api/v2/summary.json`)).status).toBe(200);
    expect((await fetch(`${svc.url}/api/v1/components`)).status).toBe(401);
    // Every route of both pages, with every writing method, even with the write token.
    const taken: string[] = [];
    for (const base of [pub, mounted]) {
      for (const p of PAGE_PATHS) {
        expect([p, (await fetch(`${base}${p}`)).status]).toEqual([p, 200]);
        for (const method of WRITE_METHODS) {
          const r = await fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
          const body = await r.text();
          if (r.status !== 405 || r.headers.get('allow') !== 'GET, HEAD' || body !== '{"error":"method not allowed: public pages are read-only (GET, HEAD)"}') taken.push(`${method} ${base}${p}: ${r.status}`);
        }
      }
    }
    expect(taken).toEqual([]);
    expect((await fetch(`${pub}/api/v1/incidents/INC-1/publish`, { method: 'POST' })).status).toBe(405);
    // Nothing internal is routed on the public listener.
    for (const p of ['/metrics', '/api/v1/components', '/api/v1/incidents', '/-/reload']) expect([p, (await fetch(`${pub}${p}`)).status]).toEqual([p, 404]);
  });

  it('answers a conditional GET with 304 and says how long to cache', async () => {
    const r = await fetch(`${pub}/api/v2/status.json`);
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(r.headers.get('cache-control')).toBe('public, max-age=1');
    const again = await fetch(`${pub}/api/v2/status.json`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${pub}/api/v2/status.json`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    const head = await fetch(`${pub}/`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  });

  it('shows the outage of a dependency on the public component, and statusgraph\'s probe reads it', async () => {
    db.up = false;
    const s = await until('outage on the public page', async () => {
      const d = await getJson('summary.json') as unknown as Summary;
      return d.components.find((c) => c.id === 'checkout')!.status === 'major_outage' ? d : undefined;
    });
    expect(s.status.indicator).toBe('critical');
    const r = await fetch(`${pub}/api/v2/summary.json`);
    const parsed = parseSummary(r.status, r.headers.get('content-type') ?? undefined, await r.text());
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(statuspageOutcome(0.01, parsed)).toMatchObject({ reportedState: 'major_outage' });
    expect(statuspageOutcome(0.01, parsed, ['Checkout'])).toMatchObject({ reportedState: 'major_outage' });
    expect(statuspageOutcome(0.01, parsed, ['Email'])).toMatchObject({ success: true });
    const html = await (await fetch(`${pub}/`)).text();
    expect(html).toContain('Major System Outage');
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
    // Automatic notices: the partners page enables them and says so in plain words; the public page, by default, does not.
    type Incidents = { incidents: { id: string; name: string; status: string; incident_updates: { body: string }[]; components: { id: string }[] }[] };
    const notices = async () => ((await (await fetch(`${mounted}/api/v2/incidents.json`)).json()) as Incidents).incidents;
    // The open one: a probe timing out on a loaded machine may have made (and resolved) another before.
    const notice = await until('the automatic notice', async () => (await notices()).find((x) => x.status !== 'resolved'));
    expect([notice.name, notice.status, notice.incident_updates.map((u) => u.body), notice.components.map((c) => c.id)])
      .toEqual(['Outage: Billing API', 'investigating', ['We are investigating an outage affecting Billing API.'], ['billing-api']]);
    expect((await getJson('incidents.json')).incidents).toEqual([]);
    db.up = true;
    const done = await until('the notice resolved', async () => (await notices()).find((x) => x.id === notice.id && x.status === 'resolved'));
    expect(done.incident_updates.map((u) => u.body)).toEqual(['Billing API is working normally again.', 'We are investigating an outage affecting Billing API.']);
  });

  it('classifies a public component under maintenance as maintenance through the probe', async () => {
    vendor = { indicator: 'maintenance', status: 'under_maintenance' };
    const s = await until('maintenance on the public page', async () => {
      const d = await getJson('summary.json') as unknown as Summary;
      return d.components.find((c) => c.id === 'email')!.status === 'under_maintenance' && d.status.indicator === 'maintenance' ? d : undefined;
    });
    const parsed = parseSummary(200, 'application/json', JSON.stringify(s));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(statuspageOutcome(0.01, parsed)).toMatchObject({ success: true, maintenance: true });
    expect(statuspageOutcome(0.01, parsed, ['Email'])).toMatchObject({ success: true, maintenance: true });
    vendor = { indicator: 'none', status: 'operational' };
  });

  it('publishes an internal incident: three updates and the resolution, the same sequence everywhere', async () => {
    const created = await write('/api/v1/incidents', { title: 'billing-svc errors from pg-main', components: ['billing-svc'] });
    const inc = await created.json() as { id: string };
    const pubRes = await write(`/api/v1/incidents/${inc.id}/publish`, { page: 'public', title: 'Checkout failures', body: 'Some payments fail.', impact: 'major', components: ['checkout'] });
    expect(pubRes.status).toBe(201);
    const p = await pubRes.json() as { id: string; incident: string; url: string };
    expect(p.incident).toBe(inc.id);
    expect(p.url).toBe(`${pub}/#incident-${p.id}`);
    // While it is open, it is in the summary and the unresolved list, both in the public format.
    for (const [d, list] of [['summary.json', 'incidents'], ['incidents/unresolved.json', 'incidents']] as const) {
      const open = await getJson(d);
      expect([d, valid(DEF[d]!, open)]).toEqual([d, 'valid']);
      expect((open[list] as { id: string; status: string }[]).map((x) => [x.id, x.status])).toEqual([[p.id, 'investigating']]);
    }
    for (const [status, body] of [['identified', 'We found the cause.'], ['monitoring', 'A fix is deployed.'], ['resolved', 'Payments work again.']]) {
      expect((await write(`/api/v1/public-incidents/${p.id}/updates`, { status, body })).status).toBe(200);
    }
    expect((await write(`/api/v1/public-incidents/${p.id}/updates`, { status: 'monitoring', body: 'late' })).status).toBe(409);
    expect((await write(`/api/v1/incidents/${inc.id}/publish`, { page: 'public', title: 'again', body: 'x' })).status).toBe(409);
    expect((await write(`/api/v1/incidents/${inc.id}/publish`, { page: 'nope', title: 'x', body: 'x' })).status).toBe(400);
    // Anonymous writes on the internal listener are refused.
    expect((await fetch(`${svc.url}/api/v1/public-incidents/${p.id}/updates`, { method: 'POST', body: '{}' })).status).toBe(401);

    const want = ['Payments work again.', 'A fix is deployed.', 'We found the cause.', 'Some payments fail.'];
    const doc = await getJson('incidents.json') as { incidents: { id: string; name: string; status: string; incident_updates: { body: string; status: string }[] }[] };
    expect(valid('incidentsDoc', doc)).toBe('valid');
    const x = doc.incidents.find((i) => i.id === p.id)!;
    expect([x.name, x.status]).toEqual(['Checkout failures', 'resolved']);
    expect(x.incident_updates.map((u) => u.body)).toEqual(want);
    expect(x.incident_updates.map((u) => u.status)).toEqual(['resolved', 'monitoring', 'identified', 'investigating']);
    expect(JSON.stringify(doc)).not.toContain(inc.id);

    const html = await (await fetch(`${pub}/`)).text();
    const section = html.slice(html.indexOf(`id="incident-${p.id}"`));
    const positions = want.map((b) => section.indexOf(b));
    expect(positions.every((n, i) => n > 0 && (i === 0 || n > positions[i - 1]!))).toBe(true);

    const feeds = await readFeeds(pub);
    for (const entries of [feeds.atom, feeds.rss]) {
      const entry = entries.find((e) => e.title === 'Checkout failures')!;
      expect([entry.link, entry.id]).toEqual([p.url, p.url]);
      const at = want.map((b) => entry.content.indexOf(b));
      expect(at.every((n, i) => n >= 0 && (i === 0 || n > at[i - 1]!))).toBe(true);
      expect(entry.content).not.toContain(inc.id);
    }

    // The internal API shows what customers were told.
    const internal = await (await fetch(`${svc.url}/api/v1/incidents/${inc.id}/public`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { public_incidents: { id: string; updates: { body: string }[] }[] };
    expect(internal.public_incidents.map((i) => [i.id, i.updates.map((u) => u.body)])).toEqual([[p.id, [...want].reverse()]]);
    // The internal incident's timeline notes each step with the link (its Slack thread and webhooks get them).
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const timeline = ((await (await fetch(`${svc.url}/api/v1/incidents/${inc.id}`, auth)).json()) as { timeline: { kind: string; author: string; text: string }[] }).timeline;
    expect(timeline.filter((e) => e.kind === 'public').map((e) => e.text)).toEqual([...want].reverse().map((b) => expect.stringMatching(new RegExp(`\\] ?: ${b.replace('.', '\\.')} ${p.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`))));
    expect(timeline.filter((e) => e.kind === 'public').every((e) => e.author === 'api')).toBe(true);
    // What the status page reads: every public incident with its internal incident, and the pages it may publish to.
    const all = (await (await fetch(`${svc.url}/api/v1/public-incidents`, auth)).json()) as { public_incidents: { id: string; incident: string | null }[] };
    expect(all.public_incidents.find((x) => x.id === p.id)?.incident).toBe(inc.id);
    expect(await (await fetch(`${svc.url}/api/v1/pages`, auth)).json()).toEqual({
      pages: [
        { id: 'public', title: 'Example status', url: pub, components: [{ id: 'checkout', name: 'Checkout' }, { id: 'email', name: 'Email' }] },
        { id: 'partners', title: 'Partner status', url: mounted, components: [{ id: 'billing-api', name: 'Billing API' }] },
      ],
    });
    for (const path of ['/api/v1/public-incidents', '/api/v1/pages']) expect((await fetch(`${svc.url}${path}`)).status).toBe(401);
    expect((await fetch(`${svc.url}/api/v1/public-incidents?limit=0`, auth)).status).toBe(400);
  });
});
