/*
 * Maintenance windows on an audience page (issue 19) through the real composition root: an
 * upcoming config window and an ad hoc one in progress appear in scheduled-maintenances.json (and
 * upcoming/active), validate against the Statuspage v2 schema, show the public component under
 * maintenance, and name nothing internal; statusgraph's own statuspage probe reads it as maintenance.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { parseSummary, statuspageOutcome } from '../../src/probes/statuspage.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOKEN = 'maint-page-token-3e9a';
const ajv = new Ajv({ allErrors: true });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(HERE, 'statuspage-v2.schema.json'), 'utf8')) as object, 'sp');
const valid = (def: string, doc: unknown) => {
  const v = ajv.getSchema(`sp#/definitions/${def}`)!;
  return v(doc) ? 'valid' : ajv.errorsText(v.errors);
};

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
});
