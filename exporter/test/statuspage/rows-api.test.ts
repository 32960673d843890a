/*
 * What the page asks of the API at scale, through the real composition root: sparklines and uptime
 * days of the rows it shows only (`?components=`), and the stream continuing from the version of
 * the components it read (`?since=` gives a diff, not the whole picture again).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';

/** Polls an async check until it is true, or throws naming `what`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let target: http.Server;
let svc: Service;
let dir: string;

beforeAll(async () => {
  target = http.createServer((_req, res) => { res.writeHead(200).end('ok'); });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-rows-'));
  const file = path.join(dir, 'statusgraph.yml');
  fs.writeFileSync(file, `interval: 1s\ntimeout: 500ms\nlisten: 127.0.0.1:0\ndata_dir: ${JSON.stringify(path.join(dir, 'data'))}\ncomponents:\n${
    ['a', 'b', 'c'].map((n) => `  - name: ${n}\n    tier: service\n    probes:\n      - kind: http\n        url: ${url}${n}\n`).join('')}`);
  svc = await startService({ configFile: file, logger: pino({ level: 'silent' }) });
  await until('ready', async () => (await fetch(`${svc.url}/-/ready`)).ok, 15_000);
});
afterAll(async () => {
  await svc?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => target.close(() => r()));
});

const json = async (p: string) => {
  const r = await fetch(`${svc.url}${p}`);
  return { status: r.status, body: (await r.json()) as any };
};

describe('rows in view', () => {
  it('answers latency and uptime for the named components only', async () => {
    // The rings fill as results arrive: wait for every probe's first.
    await until('three sparklines', async () => (await json('/api/v1/latency')).body.probes.length === 3, 10_000);
    const lat = await json('/api/v1/latency?components=a,c');
    expect(lat.status).toBe(200);
    expect(lat.body.probes.map((p: { component: string }) => p.component).sort()).toEqual(['a', 'c']);
    const up = await json('/api/v1/uptime?days=7&components=b,unknown');
    expect(up.body.components.map((c: { name: string }) => c.name)).toEqual(['b', 'unknown']);
    expect(up.body.components[1].days).toEqual([]);
  });

  it('refuses a bad list with 400, naming the parameter', async () => {
    expect(await json('/api/v1/latency?components=A;B')).toEqual({ status: 400, body: { error: 'components: names are [a-z0-9-]' } });
    const many = Array.from({ length: 501 }, (_, i) => `n${i}`).join(',');
    expect(await json(`/api/v1/uptime?components=${many}`)).toEqual({ status: 400, body: { error: 'components: at most 500 names' } });
    expect((await json('/api/v1/latency?components=a&components=b')).status).toBe(400);
  });
});

describe('the stream continues from /api/v1/components', () => {
  it('gives the version read, and ?since= that version starts with a diff', async () => {
    const comps = await json('/api/v1/components');
    expect(comps.body.version).toMatch(new RegExp(`^[A-Za-z0-9_-]+\\.${comps.body.seq}$`));
    const controller = new AbortController();
    const r = await fetch(`${svc.url}/api/v1/events?since=${encodeURIComponent(comps.body.version)}`, { signal: controller.signal });
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!/event: (snapshot|diff)\n[^\n]*\n\n/.test(text)) text += (await reader.read()).value ?? '';
    controller.abort();
    const first = /event: (snapshot|diff)\ndata: (.*)\n/.exec(text)!;
    expect(first[1]).toBe('diff');
    expect(JSON.parse(first[2]!).since).toBe(comps.body.version);
  });
});
