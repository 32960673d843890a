import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, jsonAuth, SIGNING_SECRET, startTestApp, type TestApp } from './app.js';
import { CHAIN, config } from './fixtures.js';

let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });

const post = (path: string, body: unknown, headers: Record<string, string> = jsonAuth) =>
  fetch(`${app.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function errorOf(res: Response): Promise<string> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await res.json()) as { error: string }).error;
}

describe('incident API', () => {
  it('creates, updates, lists, resolves and summarises a manual incident', async () => {
    const created = await post('/api/v1/incidents', { title: 'Orders slow', components: ['api'], severity: 'minor', text: 'p99 at 4s', author: 'erin' });
    expect(created.status).toBe(201);
    const inc = (await created.json()) as { id: string; status: string; blastRadius: string[] };
    expect(inc).toMatchObject({ status: 'investigating', blastRadius: ['web'] });
    expect(created.headers.get('location')).toBe(`/api/v1/incidents/${inc.id}`);

    const upd = await post(`/api/v1/incidents/${inc.id}/updates`, { text: 'cache cold', status: 'identified' });
    expect(upd.status).toBe(200);
    expect(await upd.json()).toMatchObject({ status: 'identified' });

    const open = (await (await fetch(`${app.url}/api/v1/incidents?state=open`, { headers: auth })).json()) as { incidents: Array<{ id: string }> };
    expect(open.incidents.map((i) => i.id)).toContain(inc.id);

    const res = await post(`/api/v1/incidents/${inc.id}/resolve`, {});
    expect(await res.json()).toMatchObject({ status: 'resolved', durationSeconds: expect.any(Number) });
    const resolved = (await (await fetch(`${app.url}/api/v1/incidents?state=resolved`, { headers: auth })).json()) as { incidents: Array<{ id: string }> };
    expect(resolved.incidents.map((i) => i.id)).toContain(inc.id);

    const one = (await (await fetch(`${app.url}/api/v1/incidents/${inc.id}`, { headers: auth })).json()) as { timeline: Array<{ author: string; kind: string; text: string }> };
    expect(one.timeline.map((e) => [e.kind, e.author, e.text])).toEqual([
      ['opened', 'erin', 'p99 at 4s'], ['update', 'api', 'cache cold'], ['resolved', 'api', expect.stringMatching(/^Resolved by api/)],
    ]);

    const summary = await fetch(`${app.url}/api/v1/incidents/${inc.id}/summary`, { headers: auth });
    expect(summary.headers.get('content-type')).toMatch(/^text\/markdown/);
    const md = await summary.text();
    expect(md.indexOf('p99 at 4s')).toBeLessThan(md.indexOf('cache cold'));
  });

  it('accepts a resolve with no body at all, and a JSON body sent without a content type', async () => {
    const created = await fetch(`${app.url}/api/v1/incidents`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'No header', components: ['db'] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const res = await fetch(`${app.url}/api/v1/incidents/${id}/resolve`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'resolved' });
  });

  it('validates components against the config in force after a reload', async () => {
    const bad = await post('/api/v1/incidents', { title: 'Queue stuck', components: ['queue'] });
    expect(bad.status).toBe(400);
    app.incidents.setConfig(config({ ...CHAIN, queue: ['db'] }, { dataDir: app.dataDir }));
    const ok = await post('/api/v1/incidents', { title: 'Queue stuck', components: ['queue'] });
    expect(ok.status).toBe(201);
    app.incidents.setConfig(config(CHAIN, { dataDir: app.dataDir, slack: { signingSecret: SIGNING_SECRET } }));
  });

  it('answers 401 without a token, for reads and writes, and writes nothing', async () => {
    const before = app.dump();
    expect((await fetch(`${app.url}/api/v1/incidents`)).status).toBe(401);
    const res = await post('/api/v1/incidents', { title: 'x', components: ['db'] }, { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBeTruthy();
    expect((await post('/api/v1/incidents/INC-1/resolve', {}, { 'content-type': 'application/json', authorization: 'Bearer wrong' })).status).toBe(401);
    expect(app.dump()).toEqual(before);
  });

  it('answers 400 naming the field for bad bodies, and writes nothing', async () => {
    const open = await post('/api/v1/incidents', { title: 'Target', components: ['db'] });
    const { id } = (await open.json()) as { id: string };
    const before = app.dump();
    const cases: Array<[string, unknown, RegExp]> = [
      ['/api/v1/incidents', { components: ['db'] }, /^title: /],
      ['/api/v1/incidents', { title: 'x', components: [] }, /^components: /],
      ['/api/v1/incidents', { title: 'x', components: ['db', 'nope'] }, /^components\.1: unknown component "nope"/],
      ['/api/v1/incidents', { title: 'x', components: ['db'], severity: 'huge' }, /^severity: /],
      ['/api/v1/incidents', { title: 'x', components: ['db'], colour: 'red' }, /^colour: /],
      ['/api/v1/incidents', '{"title": ', /^body: not valid JSON/],
      [`/api/v1/incidents/${id}/updates`, { text: '' }, /^text: /],
      [`/api/v1/incidents/${id}/updates`, { text: 'x', status: 'resolved' }, /^status: /],
      [`/api/v1/incidents/${id}/resolve`, { text: 42 }, /^text: /],
    ];
    for (const [path, body, message] of cases) {
      const res = await post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(res), JSON.stringify(body)).toMatch(message);
    }
    const badQuery = await fetch(`${app.url}/api/v1/incidents?state=closed`, { headers: auth });
    expect(badQuery.status).toBe(400);
    expect(await errorOf(badQuery)).toMatch(/^state: /);
    expect(app.dump()).toEqual(before);
  });

  it('answers 404 for unknown or malformed ids, and writes nothing', async () => {
    const before = app.dump();
    for (const id of ['INC-999999', 'INC-0', 'nope', '42']) {
      expect((await fetch(`${app.url}/api/v1/incidents/${id}`, { headers: auth })).status, id).toBe(404);
      expect((await fetch(`${app.url}/api/v1/incidents/${id}/summary`, { headers: auth })).status, id).toBe(404);
      const u = await post(`/api/v1/incidents/${id}/updates`, { text: 'hello' });
      expect(u.status, id).toBe(404);
      expect(await errorOf(u)).toContain(id);
      expect((await post(`/api/v1/incidents/${id}/resolve`, {})).status, id).toBe(404);
    }
    expect(app.dump()).toEqual(before);
  });

  it('answers 409 when updating or resolving a resolved incident, and writes nothing', async () => {
    const { id } = (await (await post('/api/v1/incidents', { title: 'Done soon', components: ['mail'] })).json()) as { id: string };
    await post(`/api/v1/incidents/${id}/resolve`, { text: 'fine' });
    const before = app.dump();
    const res = await post(`/api/v1/incidents/${id}/resolve`, {});
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toContain('already resolved');
    expect((await post(`/api/v1/incidents/${id}/updates`, { text: 'late' })).status).toBe(409);
    expect(app.dump()).toEqual(before);
  });
});
