/*
 * The public router builds a document once per page revision (at most once a second without one):
 * building summary.json at 10,000 internal components cost 6.3 ms of CPU per request before
 * (bench/public-summary.ts). A new revision (a snapshot, a public write) is served at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pages } from '../../src/pages/index.js';
import type { PageJsonInput } from '../../src/pages/statuspage-json.js';
import { publicPageRouter } from '../../src/publicpage/router.js';

let revision = 1;
let title = 'Example';
let builds = 0;
const page = { id: 'public', title: 'x', components: [], groups: [], rollup: 'worst' };
const pages = {
  revision: () => revision,
  async input(): Promise<PageJsonInput> {
    builds++;
    return {
      state: { page: { ...page, title }, at: 0, components: [], startedAt: 0 },
      incidents: [], baseUrl: 'https://status.example', now: 0,
    } as unknown as PageJsonInput;
  },
  uptime: () => undefined,
} as unknown as Pages;

let server: http.Server;
let url: string;
beforeAll(async () => {
  const app = express();
  app.use(publicPageRouter({ pages, id: 'public', baseUrl: () => 'https://status.example', maxAgeSeconds: () => 15 }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** GET without undici's automatic decoding, so the encoding on the wire is seen. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(`${url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('public documents are built once per page revision', () => {
  it('serves repeated requests from one build, gzip encoded once, identical to the plain body', async () => {
    const before = builds;
    const plain = await get('/api/v2/summary.json');
    const zipped = await get('/api/v2/summary.json', { 'accept-encoding': 'gzip' });
    for (let i = 0; i < 5; i++) await get('/api/v2/summary.json', { 'accept-encoding': 'gzip' });
    expect(builds - before).toBe(1);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zlib.gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).toBe(plain.headers.etag);
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    const again = await get('/api/v2/summary.json', { 'if-none-match': plain.headers.etag! });
    expect(again.status).toBe(304);
  });

  it('builds again at once when the revision moves, with the new content and ETag', async () => {
    const first = await get('/api/v2/summary.json');
    title = 'Renamed';
    revision++;
    const second = await get('/api/v2/summary.json');
    expect(JSON.parse(second.body.toString()).page.name).toBe('Renamed');
    expect(second.headers.etag).not.toBe(first.headers.etag);
  });
});
