/*
 * GET /api/v1/components is built once per snapshot and compressed once per encoding (http/built.ts):
 * at 10,000 components serialising and compressing it per request took 0.4-0.5 s each. The body is
 * byte for byte what `res.json` of the documented view gave before, in every encoding.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageComponent, type State } from '@statusgraph/core';
import { ZERO_COUNTS } from '../../src/engine/attribution.js';
import type { ComponentStatus, Snapshot } from '../../src/engine/snapshot.js';
import { createAuth } from '../../src/http/auth.js';
import { buildAnswer, createAnswerCache } from '../../src/http/built.js';
import { componentView, componentsView, createComponentsBody } from '../../src/http/components-view.js';
import { createHttpApp } from '../../src/http/server.js';
import { SessionStore } from '../../src/http/sessions.js';
import type { MetricsRenderer } from '../../src/metrics/renderer.js';

function comp(name: string, state: State = 'operational'): ComponentStatus {
  return Object.freeze({
    name, tier: 'service', displayName: name, environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state, since: 0,
    maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS,
    probes: [],
  }) as ComponentStatus;
}

function snap(seq: number, components: readonly ComponentStatus[]): Snapshot {
  return Object.freeze({ seq, at: 1_000 * seq, components, byName: new Map(components.map((c) => [c.name, c])), cycleDurationSeconds: 0, cyclesCompleted: seq });
}

/** GET without undici's automatic decoding, so the encoding on the wire is seen. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const decode = (r: { headers: http.IncomingHttpHeaders; body: Buffer }): string => {
  const enc = r.headers['content-encoding'];
  return (enc === 'br' ? zlib.brotliDecompressSync(r.body) : enc === 'gzip' ? zlib.gunzipSync(r.body) : r.body).toString();
};

describe('GET /api/v1/components', () => {
  let current = snap(1, [comp('a'), comp('b', 'major_outage')]);
  let builds = 0;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    const app = createHttpApp({
      logger,
      auth: createAuth(() => undefined, { sessions: new SessionStore(Date.now), logger }),
      metrics: {} as MetricsRenderer,
      snapshot: () => current,
      // Asked once per body built: the count of builds.
      streamVersion: (s) => { builds++; return `e1.${s.seq}`; },
      ready: () => true,
      reload: async () => undefined,
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/components`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers concurrent requests in every encoding from one build, each the documented JSON', async () => {
    const before = builds;
    const answers = await Promise.all([
      get(url, { 'accept-encoding': 'gzip, deflate, br' }), get(url, { 'accept-encoding': 'gzip' }), get(url),
      get(url, { 'accept-encoding': 'br' }), get(url, { 'accept-encoding': 'gzip, deflate, br' }),
    ]);
    expect(builds - before).toBe(1);
    expect(answers.map((a) => a.headers['content-encoding'])).toEqual(['br', 'gzip', undefined, 'br', 'br']);
    const expected = JSON.stringify({ ...componentsView(current), version: 'e1.1' });
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(a.headers.vary).toMatch(/Accept-Encoding/);
      expect(decode(a)).toBe(expected);
    }
    expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(1);
    expect((await get(url, { 'if-none-match': answers[0]!.headers.etag! })).status).toBe(304);
  });

  it('answers ?view=page with the page view of the same snapshot, built once, and refuses another view', async () => {
    const before = builds;
    const [a, b] = await Promise.all([get(`${url}?view=page`, { 'accept-encoding': 'br' }), get(`${url}?view=page`)]);
    expect(builds - before).toBe(1);
    const full = componentsView(current);
    const expected = JSON.stringify({ ...full, components: full.components.map(pageComponent), version: `e1.${current.seq}` });
    expect(decode(a)).toBe(expected);
    expect(decode(b)).toBe(expected);
    expect(expected.length).toBeLessThan(JSON.stringify(full).length / 2);
    const bad = await get(`${url}?view=compact`);
    expect([bad.status, JSON.parse(bad.body.toString())]).toEqual([400, { error: 'view: full (the default) or page' }]);
    expect((await get(`${url}?view=page&view=full`)).status).toBe(400);
  });

  it('builds again for a new snapshot, and only then', async () => {
    const first = decode(await get(url, { 'accept-encoding': 'gzip' }));
    const before = builds;
    current = snap(2, [current.components[0]!, comp('b')]);
    const second = await get(url, { 'accept-encoding': 'gzip' });
    await get(url, { 'accept-encoding': 'br' });
    expect(builds - before).toBe(1);
    expect(decode(second)).toBe(JSON.stringify({ ...componentsView(current), version: 'e1.2' }));
    expect(decode(second)).not.toBe(first);
  });
});

describe('the components body', () => {
  it('serialises a component again only when the snapshot holds a new status object for it', async () => {
    const seen: string[] = [];
    const body = createComponentsBody((c) => { seen.push(c.name); return componentView(c); });
    const a = comp('a');
    const one = snap(1, [a, comp('b')]);
    expect((await body(one)).toString()).toBe(JSON.stringify(componentsView(one)));
    const two = snap(2, [a, comp('b', 'degraded'), comp('c')]);
    expect((await body(two, 'e1.2')).toString()).toBe(JSON.stringify({ ...componentsView(two), version: 'e1.2' }));
    expect(seen).toEqual(['a', 'b', 'b', 'c']);
    // Built over several turns of the event loop (20 ms each, 10,000 take longer on any machine), in order.
    const many = snap(3, Array.from({ length: 10_000 }, (_, i) => comp(`c${i}`)));
    expect((await body(many)).toString()).toBe(JSON.stringify(componentsView(many)));
  });
});

describe('built answers', () => {
  it('are shared by requests while one is built, and built again after a failure or a new stamp', async () => {
    const cache = createAnswerCache();
    let made = 0;
    const make = () => { made++; return buildAnswer('text/plain', `v${made}`); };
    const [x, y] = await Promise.all([cache.get('k', 1, Infinity, make), cache.get('k', 1, Infinity, make)]);
    expect(made).toBe(1);
    expect(x).toBe(y);
    expect((await cache.get('k', 2, Infinity, make)).body.toString()).toBe('v2');
    await expect(cache.get('k', 3, Infinity, () => { throw new Error('store down'); })).rejects.toThrow('store down');
    expect((await cache.get('k', 3, Infinity, make)).body.toString()).toBe('v3');
  });
});
