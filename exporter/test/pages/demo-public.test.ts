/*
 * Issue 20, acceptance 1, on the reference topology (`statusgraph demo`, in process): stopping
 * postgresql-primary shows the outage on the public components that depend on it, in summary.json
 * and on the HTML page, within a few probe cycles; the automatic incident, published with an update,
 * notes the public link in its internal timeline; and no response of any public endpoint contains
 * an internal component name, display name, reason or URL, the internal incident's id or the
 * internal API (the public side never links back).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_PATHS, until } from './support.js';
import { publicListenFor, startDemo, type RunningDemo } from '../../src/demo/run.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_TOPOLOGY } from '../../src/demo/topology.js';

const PUBLIC_PATHS = [...PAGE_PATHS, '/no-such-page', '/api/v2/nope.json'];
/** Public components that stand for something downstream of postgresql-primary. */
const DEPENDENT = ['website', 'checkout', 'order-history', 'sign-in', 'public-api'];

let demo: RunningDemo;
let dir: string;


type Summary = { components: { id: string; status: string }[]; status: { indicator: string } };
const summary = async () => (await fetch(`${demo.publicUrl}/api/v2/summary.json`)).json() as Promise<Summary>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-demo-public-'));
  demo = await startDemo({ listen: '127.0.0.1:0', dataDir: dir, intervalMs: 500, token: 'demo-public-test-token' });
});
afterAll(async () => {
  await demo?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the public page of the reference topology', () => {
  it('shows the outage of postgresql-primary on the public components that depend on it, naming nothing internal', async () => {
    await until('every public component operational', async () => {
      const s = await summary();
      return demo.service.snapshot().cyclesCompleted > 1 && s.components.every((c) => c.status === 'operational') ? s : undefined;
    });
    const r = await fetch(`${demo.url}/api/v1/demo/fail`, {
      method: 'POST', headers: { authorization: 'Bearer demo-public-test-token', 'content-type': 'application/json' }, body: JSON.stringify({ component: 'postgresql-primary' }),
    });
    expect(r.status).toBe(200);
    const failedAt = demo.service.snapshot().cyclesCompleted;
    const failedAtMs = Date.parse(((await r.json()) as { at: string }).at);
    const s = await until('the outage on the public page', async () => {
      const d = await summary();
      return DEPENDENT.every((id) => ['major_outage', 'partial_outage'].includes(d.components.find((c) => c.id === id)!.status)) ? d : undefined;
    });
    // Within one interval of the cycle that saw the database down (one more cycle for the impact to be published).
    expect(demo.service.snapshot().cyclesCompleted - failedAt).toBeLessThanOrEqual(3);
    expect(s.components.find((c) => c.id === 'email-and-alerts')!.status).toBe('operational');
    expect(s.status.indicator).toMatch(/^(major|critical)$/);
    // The page follows the internal detection in the same snapshot: each dependent public component
    // changed when postgresql-primary's outage was seen (or before, by its own failing probe), not a
    // cycle later.
    const primary = ((await (await fetch(`${demo.url}/api/v1/components`)).json()) as { components: { name: string; state: string; since: string }[] }).components
      .find((c) => c.name === 'postgresql-primary')!;
    expect(primary.state).toBe('major_outage');
    const detectedMs = Date.parse(primary.since);
    const shownMs = DEPENDENT.map((id) => Date.parse((s.components.find((c) => c.id === id) as { updated_at?: string }).updated_at!));
    console.log(`postgresql-primary down: detected ${detectedMs - failedAtMs} ms after the break, on the public page ${Math.max(...shownMs) - failedAtMs} ms after (interval 500 ms, cycles ${demo.service.snapshot().cyclesCompleted - failedAt})`);
    for (const at of shownMs) expect(at - detectedMs).toBeLessThan(500);
    // The HTML page shows it on the same components, by name, and the banner says so.
    const html = await (await fetch(`${demo.publicUrl}/`)).text();
    expect(html).toMatch(/Major System Outage|Partial System Outage/);
    for (const id of DEPENDENT) expect([id, /<span class="st (major_outage|partial_outage)">/.test(html.slice(html.indexOf(`id="component-${id}"`)).split('</div>')[0]!)]).toEqual([id, true]);
    expect(html.slice(html.indexOf('id="component-email-and-alerts"')).split('</div>')[0]).toContain('<span class="st operational">');

    // The automatic incident, published with an update: its public side must not lead back to it.
    const auth = { authorization: 'Bearer demo-public-test-token', 'content-type': 'application/json' };
    const inc = await until('the automatic incident', async () => {
      const list = (await (await fetch(`${demo.url}/api/v1/incidents?state=open`, { headers: auth })).json()) as { incidents: { id: string }[] };
      return list.incidents[0];
    });
    const published = await fetch(`${demo.url}/api/v1/incidents/${inc.id}/publish`, {
      method: 'POST', headers: auth, body: JSON.stringify({ page: 'public', title: 'Checkout is failing', body: 'Some customers cannot pay.', components: ['checkout'] }),
    });
    expect(published.status).toBe(201);
    const pubId = ((await published.json()) as { id: string }).id;
    expect((await fetch(`${demo.url}/api/v1/public-incidents/${pubId}/updates`, { method: 'POST', headers: auth, body: JSON.stringify({ status: 'identified', body: 'We know why.' }) })).status).toBe(200);
    // The internal incident links the public one (its timeline notes what customers were told).
    const internal = (await (await fetch(`${demo.url}/api/v1/incidents/${inc.id}`, { headers: auth })).json()) as { timeline: { kind: string; text: string }[] };
    expect(internal.timeline.filter((e) => e.kind === 'public').map((e) => e.text)).toEqual([
      expect.stringMatching(new RegExp(`Some customers cannot pay\\. ${demo.publicUrl}/#incident-${pubId}$`)),
      expect.stringMatching(new RegExp(`We know why\\. ${demo.publicUrl}/#incident-${pubId}$`)),
    ]);
    expect(await (await fetch(`${demo.publicUrl}/api/v2/incidents.json`)).text()).toContain('We know why.');

    // Everything internal that could leak: names, display names, reasons, probe and listener URLs,
    // the internal incident's id and the internal API.
    const snap = demo.service.snapshot();
    const config = demo.service.config();
    const words = new Set<string>();
    for (const c of DEMO_TOPOLOGY) { words.add(c.name); words.add(c.displayName); }
    const phrases = new Set<string>();
    for (const c of snap.components) {
      if (c.reason) phrases.add(c.reason);
      for (const p of c.probes) { if (p.reason) phrases.add(p.reason); if (p.degradedReason) phrases.add(p.degradedReason); }
    }
    for (const c of config.components) for (const p of c.probes) for (const v of Object.values(p)) if (typeof v === 'string' && /^[a-z]+:\/\/|^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) phrases.add(v);
    phrases.add(demo.url);
    phrases.add('/api/v1/');
    words.add(inc.id);
    expect(phrases.size).toBeGreaterThan(DEMO_TOPOLOGY.length);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const leaks: string[] = [];
    for (const p of PUBLIC_PATHS) {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${demo.publicUrl}${p}`, { method });
        // JSON keys are the public format's own words (`deliver_notifications`), never content.
        const body = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${(await res.text()).replace(/"[a-z_]+":/g, ':')}`;
        for (const w of words) if (new RegExp(`(^|[^a-z0-9-])${escape(w)}($|[^a-z0-9-])`, 'i').test(body)) leaks.push(`${method} ${p}: ${w}`);
        for (const ph of phrases) if (body.includes(ph)) leaks.push(`${method} ${p}: ${ph}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('where the demo\'s public page listens', () => {
  it('takes the next port when it is free, any free one otherwise', async () => {
    expect(await publicListenFor('127.0.0.1:0')).toBe('127.0.0.1:0');
    const busy = http.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      expect(await publicListenFor(`127.0.0.1:${port - 1}`)).toBe('127.0.0.1:0');
    } finally {
      busy.close();
    }
  });
});
