/*
 * /api/v1/maintenance through the real composition root (issue 19): create "now for 30 m", list,
 * cancel; JSON 400s that write nothing; the window shows in /api/v1/components and /metrics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { until } from '../pages/support.js';

const TOKEN = 'maintenance-api-token-5c1f';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

let svc: Service;
let dir: string;
let file: string;
let configText: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-maint-api-'));
  file = path.join(dir, 'statusgraph.yml');
  fs.writeFileSync(file, configText = `
interval: 1s
timeout: 500ms
listen: 127.0.0.1:0
data_dir: ${JSON.stringify(path.join(dir, 'data'))}
auth: { tokens: [${TOKEN}], read: token }
maintenance:
  max_duration: 2h
components:
  - name: db
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:9" }]
  - name: api
    tier: service
    depends_on: [db]
    probes: [{ kind: tcp, address: "127.0.0.1:9" }]
`);
  svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: dir });
});
afterAll(async () => {
  await svc.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (p: string, body: unknown, headers: Record<string, string> = auth) => fetch(svc.url + p, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const list = async () => ((await (await fetch(`${svc.url}/api/v1/maintenance`, { headers: auth })).json()) as { windows: { id: string; status: string }[] }).windows;

describe('maintenance API', () => {
  it('answers bad input with a JSON 400 naming the field, and writes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ components: ['nope'], duration: '30m' }, 'components: unknown component nope'],
      [{ components: ['db'], start: '2030-01-01T02:00:00Z', end: '2030-01-01T01:00:00Z' }, 'end: is before (or at) start'],
      [{ components: ['db'], duration: '3h' }, 'duration: lasts 180 minutes, longer than maintenance.max_duration (120 minutes)'],
      [{ components: ['db'], duration: 'soon' }, 'duration: must be a duration like 30m or 1h30m'],
      [{ components: [], duration: '30m' }, 'components: name at least one component'],
      [{ components: ['db'], duration: '30m', colour: 'red' }, 'colour: Unrecognized key: "colour"'],
      ['{"components": [', 'body: not valid JSON'],
    ];
    for (const [body, error] of cases) {
      const res = await post('/api/v1/maintenance', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error });
    }
    expect((await post('/api/v1/maintenance', { components: ['db'], duration: '30m' }, { 'content-type': 'application/json' })).status).toBe(401);
    expect(await list()).toEqual([]);
  });

  it('creates a window starting now, shows it in the components and /metrics, refuses an overlap, and cancels it', async () => {
    const res = await post('/api/v1/maintenance', { components: ['db'], duration: '30m', title: 'Upgrade db', author: 'alice' });
    expect(res.status).toBe(201);
    const w = (await res.json()) as { id: string; status: string; components: string[] };
    expect(res.headers.get('location')).toBe(`/api/v1/maintenance/${w.id}`);
    expect(w).toMatchObject({ status: 'active', components: ['db'], title: 'Upgrade db', author: 'alice', source: 'adhoc' });
    const comps = (await (await fetch(`${svc.url}/api/v1/components`, { headers: auth })).json()) as { components: { name: string; underMaintenance: boolean; maintenanceWindow: { id: string } | null }[] };
    expect(comps.components.find((c) => c.name === 'db')).toMatchObject({ underMaintenance: true, maintenanceWindow: { id: w.id, title: 'Upgrade db' } });
    expect(comps.components.find((c) => c.name === 'api')).toMatchObject({ underMaintenance: false, maintenanceWindow: null });
    const metrics = await (await fetch(`${svc.url}/metrics`, { headers: auth })).text();
    expect(metrics).toContain(`statusgraph_component_under_maintenance{component="db",window="${w.id}"} 1`);
    expect(metrics).not.toContain('statusgraph_component_under_maintenance{component="api"');

    const again = await post('/api/v1/maintenance', { components: ['api', 'db'], duration: '10m' });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toMatch(new RegExp(`^overlaps maintenance window ${w.id} \\("Upgrade db"\\) on db at `));
    expect((await list()).map((x) => x.id)).toEqual([w.id]);

    const cancelled = await post(`/api/v1/maintenance/${w.id}/cancel`, { author: 'bob' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id: w.id, status: 'cancelled' });
    expect((await post(`/api/v1/maintenance/${w.id}/cancel`, {})).status).toBe(409);
    const missing = await post('/api/v1/maintenance/mw-000000000000/cancel', {});
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no maintenance window mw-000000000000' });
    const after = await (await fetch(`${svc.url}/metrics`, { headers: auth })).text();
    expect(after).not.toContain('statusgraph_component_under_maintenance{');
  });

  it('config windows follow a reload; a refused one names FILE:LINE:COL and the running windows stay', async () => {
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const now = Date.now();
    const withWindow = (components: string) => configText.replace('maintenance:\n  max_duration: 2h\n', `maintenance:
  max_duration: 2h
  windows:
    - id: cfg-upgrade
      title: Upgrade from the config
      components: [${components}]
      start: ${iso(now - 60_000)}
      end: ${iso(now + 30 * 60_000)}
`);
    const api = async () => ((await (await fetch(`${svc.url}/api/v1/components`, { headers: auth })).json()) as { components: { name: string; underMaintenance: boolean; maintenanceWindow: { id: string } | null }[] }).components.find((c) => c.name === 'api')!;
    // The reloaded monitor's next snapshot carries the new cover.
    const covered = (want: boolean) => until(`api ${want ? 'under' : 'out of'} maintenance`, async () => {
      const c = await api();
      return c.underMaintenance === want ? c : undefined;
    });
    expect(withWindow('api')).not.toBe(configText);

    fs.writeFileSync(file, withWindow('api'));
    await svc.reload();
    expect(await covered(true)).toMatchObject({ maintenanceWindow: { id: 'cfg-upgrade' } });
    expect((await list()).find((w) => w.id === 'cfg-upgrade')).toMatchObject({ status: 'active', source: 'config' });

    // A refused config (an unknown component) changes nothing: the window stays in force.
    fs.writeFileSync(file, withWindow('api, nope'));
    await expect(svc.reload()).rejects.toThrow(/statusgraph\.yml:\d+:\d+: maintenance\.windows\.0\.components\.1: unknown component "nope"/);
    expect(await api()).toMatchObject({ underMaintenance: true, maintenanceWindow: { id: 'cfg-upgrade' } });

    fs.writeFileSync(file, configText);
    await svc.reload();
    expect(await covered(false)).toMatchObject({ maintenanceWindow: null });
    expect((await list()).map((w) => w.id)).not.toContain('cfg-upgrade');
  });

  it('a reload that brings a config window over a run-time one is refused at FILE:LINE:COL, and accepted once that one is cancelled', async () => {
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const now = Date.now();
    const adhoc = (await (await post('/api/v1/maintenance', { components: ['db'], duration: '30m', title: 'Ad hoc db work' })).json()) as { id: string };
    const overlapping = configText.replace('maintenance:\n  max_duration: 2h\n', `maintenance:
  max_duration: 2h
  windows:
    - id: cfg-db
      title: Planned db work
      components: [api, db]
      start: ${iso(now + 10 * 60_000)}
      end: ${iso(now + 20 * 60_000)}
`);
    fs.writeFileSync(file, overlapping);
    await expect(svc.reload()).rejects.toThrow(new RegExp(`statusgraph\\.yml:\\d+:\\d+: maintenance\\.windows\\.0: overlaps the run-time maintenance window ${adhoc.id} \\("Ad hoc db work"\\) on db at `));
    // Nothing changed: the run-time window alone is listed, the config one is not.
    expect((await list()).filter((w) => w.status !== 'cancelled').map((w) => w.id)).toEqual([adhoc.id]);

    expect((await post(`/api/v1/maintenance/${adhoc.id}/cancel`, {})).status).toBe(200);
    await svc.reload();
    expect((await list()).find((w) => w.id === 'cfg-db')).toMatchObject({ status: 'upcoming', source: 'config' });
    fs.writeFileSync(file, configText);
    await svc.reload();
  });
});
