/*
 * Audience pages through the real composition root (issue 20): a public listener beside the
 * internal one with `auth.read: token`. The Statuspage v2 documents validate against the schema
 * written from the fixtures; an outage of an internal dependency shows on the public component by
 * impact; publishing with three updates and a resolution shows the same sequence in incidents.json,
 * the HTML page and both feeds (parsed with feedsmith); ETag, 405 and statusgraph's own
 * statuspage probe reading the public summary (outage and maintenance).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseAtomFeed, parseRssFeed } from 'feedsmith';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support.js';
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

const ajv = new Ajv({ allErrors: true });
// The three formats the schema uses, checked as the public format writes them.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(HERE, 'statuspage-v2.schema.json'), 'utf8')) as object, 'sp');
function valid(def: string, doc: unknown): string {
  const v = ajv.getSchema(`sp#/definitions/${def}`)!;
  return v(doc) ? 'valid' : ajv.errorsText(v.errors);
}


let db = { up: true };
let vendor = { indicator: 'none', status: 'operational' };
const servers: http.Server[] = [];
let svc: Service;
let pub: string;
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
`);
  svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: path.resolve(HERE, '../../static') });
  pub = svc.pageUrls.get('public')!;
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
  it('accepts every fixture, and refuses a component with an unknown status', () => {
    for (const f of fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.json'))) {
      expect([f, valid('summary', JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')))]).toEqual([f, 'valid']);
    }
    const bad = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'operational.json'), 'utf8')) as Summary;
    bad.components[1]!.status = 'down';
    expect(valid('summary', bad)).not.toBe('valid');
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
  });

  it('refuses anonymous reads internally while the public listener answers, and never takes a write', async () => {
    expect((await fetch(`${svc.url}/api/v1/components`)).status).toBe(401);
    expect((await fetch(`${pub}/api/v2/summary.json`)).status).toBe(200);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await fetch(`${pub}/api/v2/summary.json`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
      expect([method, r.status, r.headers.get('allow')]).toEqual([method, 405, 'GET, HEAD']);
      expect(await r.json()).toEqual({ error: 'method not allowed: public pages are read-only (GET, HEAD)' });
    }
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
    db.up = true;
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

    const atom = parseAtomFeed(await (await fetch(`${pub}/history.atom`)).text());
    const rss = parseRssFeed(await (await fetch(`${pub}/history.rss`)).text());
    const text = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as { value?: unknown }).value) : String(v));
    const atomEntry = atom.entries!.find((e) => text(e.title) === 'Checkout failures')!;
    const rssItem = rss.items!.find((e) => e.title === 'Checkout failures')!;
    for (const content of [text(atomEntry.content), String(rssItem.description)]) {
      const at = want.map((b) => content.indexOf(b));
      expect(at.every((n, i) => n >= 0 && (i === 0 || n > at[i - 1]!))).toBe(true);
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
      pages: [{ id: 'public', title: 'Example status', url: pub, components: [{ id: 'checkout', name: 'Checkout' }, { id: 'email', name: 'Email' }] }],
    });
    for (const path of ['/api/v1/public-incidents', '/api/v1/pages']) expect((await fetch(`${svc.url}${path}`)).status).toBe(401);
    expect((await fetch(`${svc.url}/api/v1/public-incidents?limit=0`, auth)).status).toBe(400);
  });
});
