/*
 * Maintenance windows on an audience page (issue 19) through the real composition root: an
 * upcoming config window and an ad hoc one in progress appear in scheduled-maintenances.json (and
 * upcoming/active), validate against the Statuspage v2 schema, show the public component under
 * maintenance, and name nothing internal; statusgraph's own statuspage probe reads it as maintenance;
 * both feeds announce the windows (issue 20: feeds of incidents and maintenances).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { parseSummary, statuspageOutcome } from '../../src/probes/statuspage.js';
import { readFeeds, statuspageValid as valid } from './formats.js';

const TOKEN = 'maint-page-token-3e9a';

let svc: Service;
let dir: string;
let pub: string;
const start = new Date(Date.now() + 3 * 86_400_000);
start.setUTCHours(2, 0, 0, 0);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-maint-page-'));
  const file = path.join(dir, 'statusgraph.yml');
  fs.writeFileSync(file, `
interval: 500ms
timeout: 400ms
listen: 127.0.0.1:0
data_dir: ${JSON.stringify(path.join(dir, 'data'))}
auth: { tokens: [${TOKEN}], read: token }
maintenance:
  windows:
    - id: pg-main-upgrade
      title: Database upgrade
      description: Payments may be slow for a few minutes.
      components: [pg-main]
      start: ${start.toISOString()}
      end: ${new Date(start.getTime() + 3_600_000).toISOString()}
components:
  - { name: pg-main, tier: infrastructure, probes: [{ kind: tcp, address: "127.0.0.1:9" }] }
  - { name: billing-svc, tier: service, depends_on: [pg-main], probes: [{ kind: tcp, address: "127.0.0.1:9" }] }
  - { name: mail-svc, tier: service, probes: [{ kind: tcp, address: "127.0.0.1:9" }] }
pages:
  - id: public
    title: Example status
    listen: 127.0.0.1:0
    components:
      - { name: Checkout, internal: [billing-svc, pg-main] }
      - { name: Email, internal: [mail-svc] }
`);
  svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: dir });
  pub = svc.pageUrls.get('public')!;
});
afterAll(async () => {
  await svc.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const doc = async (p: string) => (await (await fetch(`${pub}/api/v2/${p}`)).json()) as { scheduled_maintenances: { id: string; name: string; status: string; scheduled_for: string; components: { name: string; status: string }[]; incident_updates: { body: string }[] }[] };

describe('scheduled maintenance on an audience page', () => {
  it('announces an upcoming window ahead of time, in plain words, in the Statuspage v2 shape', async () => {
    const all = await doc('scheduled-maintenances.json');
    expect(valid('maintenancesDoc', all)).toBe('valid');
    expect(all.scheduled_maintenances).toEqual([expect.objectContaining({
      name: 'Database upgrade', status: 'scheduled', scheduled_for: start.toISOString(), impact: 'maintenance',
      components: [{ id: 'checkout', name: 'Checkout', status: 'operational' }],
    })]);
    expect(all.scheduled_maintenances[0]!.incident_updates[0]!.body).toBe('Payments may be slow for a few minutes.');
    expect((await doc('scheduled-maintenances/upcoming.json')).scheduled_maintenances).toHaveLength(1);
    expect((await doc('scheduled-maintenances/active.json')).scheduled_maintenances).toEqual([]);
    const html = await (await fetch(`${pub}/`)).text();
    expect(html).toContain('Database upgrade');
    // Nothing internal: no internal component, no window id.
    for (const text of [JSON.stringify(all), html]) for (const secret of ['pg-main', 'billing-svc', 'pg-main-upgrade']) expect(text).not.toContain(secret);
  });

  it('shows a window in progress as in_progress with its component under maintenance, and the statuspage probe reads it so', async () => {
    const res = await fetch(`${svc.url}/api/v1/maintenance`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ components: ['mail-svc'], duration: '30m', title: 'Mail relay move' }),
    });
    expect(res.status).toBe(201);
    const active = await doc('scheduled-maintenances/active.json');
    expect(valid('maintenancesDoc', active)).toBe('valid');
    expect(active.scheduled_maintenances).toEqual([expect.objectContaining({ name: 'Mail relay move', status: 'in_progress', components: [{ id: 'email', name: 'Email', status: 'under_maintenance' }] })]);
    const summaryRes = await fetch(`${pub}/api/v2/summary.json`);
    const text = await summaryRes.text();
    const summary = JSON.parse(text) as { components: { name: string; status: string }[] };
    expect(valid('summary', summary)).toBe('valid');
    // mail-svc's probe fails (nothing listens on port 9): planned work, so the page says maintenance, not outage.
    expect(summary.components.find((c) => c.name === 'Email')!.status).toBe('under_maintenance');
    const parsed = parseSummary(200, 'application/json', text);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(statuspageOutcome(0.01, parsed, ['Email'])).toMatchObject({ success: true, maintenance: true });
  });

  it('announces both windows in the Atom and RSS feeds, with their times, naming nothing internal', async () => {
    const all = (await doc('scheduled-maintenances.json')).scheduled_maintenances;
    const upgrade = all.find((m) => m.name === 'Database upgrade')!;
    const relay = all.find((m) => m.name === 'Mail relay move')!;
    const { atom, rss } = await readFeeds(pub);
    for (const entries of [atom, rss]) {
      expect(entries.map((e) => [e.title, e.link])).toEqual(expect.arrayContaining([
        ['Maintenance: Database upgrade', `${pub}/#maintenance-${upgrade.id}`],
        ['Maintenance: Mail relay move', `${pub}/#maintenance-${relay.id}`],
      ]));
      const up = entries.find((e) => e.title === 'Maintenance: Database upgrade')!;
      expect(up.content).toContain('<strong>Scheduled</strong>');
      expect(up.content).toContain('Payments may be slow for a few minutes.');
      expect(up.content).toContain(start.toUTCString());
      expect(up.content).toContain('Checkout');
      expect(entries.find((e) => e.title === 'Maintenance: Mail relay move')!.content).toContain('<strong>In progress</strong>');
      for (const e of entries) for (const secret of ['pg-main', 'billing-svc', 'mail-svc', 'pg-main-upgrade']) expect(`${e.title} ${e.content} ${e.link}`).not.toContain(secret);
    }
  });
});
