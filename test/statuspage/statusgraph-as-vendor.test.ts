import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { freePort, until } from '../support/ports.js';
import { HttpTarget } from '../support/targets.js';
import { startStatuspageServer, STATUSPAGE_FIXTURES, type StatuspageServer } from '../support/statuspage-server.js';

/**
 * Issue 20, acceptance 2, with two running instances: "one team's status becomes another team's
 * vendor check". The payments team runs statusgraph with a public page; the shop team runs its own
 * statusgraph, whose `statuspage` probe reads the payments team's public summary.json exactly as it
 * reads Atlassian's. Both are real processes (`statusgraph run`). Stopping the payments team's
 * database makes the shop's component for it a vendor outage, through the public JSON only; a
 * maintenance upstream of the payments team shows as maintenance; and nothing internal to the
 * payments team (component names, reasons, URLs) reaches the shop's API.
 */

const fixture = (name: string) => ({ status: 200, type: 'application/json', body: fs.readFileSync(path.join(STATUSPAGE_FIXTURES, name), 'utf8') });

interface View { name: string; state: string; reason: string | null; maintenance: boolean; tier: string; impacted: boolean; rootCauses: string[]; probes: { maintenance: boolean; note: string | null }[] }
const component = async (e: RunningExporter, name: string): Promise<View> => (await e.components()).find((c: View) => c.name === name);

describe('statusgraph probes statusgraph: a second instance\'s public page is a vendor', () => {
  let db: HttpTarget;
  let api: HttpTarget;
  let storefront: HttpTarget;
  let mailer: StatuspageServer;
  let payments: RunningExporter;
  let shop: RunningExporter;
  let publicUrl: string;

  beforeAll(async () => {
    [db, api, storefront] = await Promise.all([HttpTarget.start(), HttpTarget.start(), HttpTarget.start()]) as [HttpTarget, HttpTarget, HttpTarget];
    mailer = await startStatuspageServer();
    mailer.set('/mailer', fixture('operational.json'));
    const publicPort = await freePort();
    publicUrl = `http://127.0.0.1:${publicPort}`;
    payments = await startExporter({
      config: `
interval: 500ms
timeout: 400ms
components:
  - { name: pg-payments-primary, tier: infrastructure, probes: [{ kind: http, url: "${db.url}" }] }
  - { name: payments-api, tier: service, depends_on: [pg-payments-primary], probes: [{ kind: http, url: "${api.url}" }] }
  - { name: mailer-vendor, tier: third-party, probes: [{ kind: statuspage, url: "${mailer.at('/mailer')}" }] }
pages:
  - id: public
    title: Payments status
    listen: 127.0.0.1:${publicPort}
    components:
      - { name: Payments, group: Payments, internal: [payments-api] }
      - { name: Receipts by email, internal: [mailer-vendor] }
`,
    });
    shop = await startExporter({
      config: `
interval: 500ms
timeout: 400ms
components:
  - { name: payments-team, tier: third-party, probes: [{ kind: statuspage, url: "${publicUrl}/api/v2/summary.json", components: [Payments] }] }
  - { name: payments-receipts, tier: third-party, probes: [{ kind: statuspage, url: "${publicUrl}/api/v2/summary.json", components: [Receipts by email] }] }
  - { name: checkout, tier: service, depends_on: [payments-team], probes: [{ kind: http, url: "${storefront.url}" }] }
`,
    });
  });

  afterAll(async () => {
    await shop?.stop();
    await payments?.stop();
    await mailer?.close();
    await api?.down();
    await storefront?.down();
    await db?.down();
  });

  it('reads the other instance\'s public summary as operational while all is well', async () => {
    onTestFailed(() => { console.log(shop.logs().slice(-3000)); });
    const team = await until('the shop checked the payments page', async () => {
      const c = await component(shop, 'payments-team');
      return c.state === 'operational' && (await component(shop, 'payments-receipts')).state === 'operational' ? c : undefined;
    }, 30_000, 100);
    expect(team).toMatchObject({ tier: 'third-party', maintenance: false, reason: null });
  });

  it('stopping the payments team\'s database is a vendor outage for the shop, seen through the public JSON only', async () => {
    onTestFailed(() => { console.log(shop.logs().slice(-3000), payments.logs().slice(-3000)); });
    db.set({ status: 503, body: 'connection refused by pool' });
    // The payments team's own view: its API is impacted by its database.
    await until('payments-api impacted inside the payments instance', async () => (await component(payments, 'payments-api')).impacted === true, 30_000, 100);
    const summary = await until('Payments in outage on the public summary', async () => {
      const s = await (await fetch(`${publicUrl}/api/v2/summary.json`)).json() as { components: { name: string; status: string }[] };
      return s.components.find((c) => c.name === 'Payments')?.status === 'major_outage' ? s : undefined;
    }, 30_000, 100);
    expect(JSON.stringify(summary)).not.toContain('pg-payments-primary');
    const team = await until('the shop sees the outage', async () => {
      const c = await component(shop, 'payments-team');
      return c.state === 'major_outage' ? c : undefined;
    }, 30_000, 100);
    expect(team.reason).toMatch(/^vendor reports major outage/);
    // The watched component decides: receipts are unaffected, and the shop's checkout is impacted
    // by the payments team as by any vendor.
    expect((await component(shop, 'payments-receipts')).state).toBe('operational');
    expect((await component(shop, 'checkout'))).toMatchObject({ impacted: true, rootCauses: ['payments-team'] });
    // Nothing internal to the payments team crossed over: names, its reasons, its URLs.
    const seen = JSON.stringify(await shop.components()) + await shop.metrics();
    const internalReason = (await component(payments, 'pg-payments-primary')).reason!;
    expect(internalReason).toContain('503');
    for (const secret of ['pg-payments-primary', 'payments-api', 'mailer-vendor', internalReason, db.url, api.url, mailer.url]) {
      expect(seen.includes(secret) ? secret : 'absent').toBe('absent');
    }

    db.set({ status: 200, body: '{"status":"ok"}' });
    await until('the shop sees the recovery', async () => (await component(shop, 'payments-team')).state === 'operational', 30_000, 100);
  });

  it('a maintenance upstream of the payments team is maintenance for the shop, not an outage', async () => {
    mailer.set('/mailer', fixture('maintenance.json'));
    const receipts = await until('the shop sees the maintenance', async () => {
      const c = await component(shop, 'payments-receipts');
      return c.maintenance ? c : undefined;
    }, 30_000, 100);
    expect(receipts.state).toBe('operational');
    // The public page names its component, not the mailer's own maintenance it stands for.
    expect(receipts.probes.map((p) => [p.maintenance, p.note])).toEqual([[true, 'vendor reports maintenance: Receipts by email']]);
    expect(JSON.stringify(await shop.components())).not.toContain('Dashboard database upgrade');
    expect((await component(shop, 'payments-team'))).toMatchObject({ state: 'operational', maintenance: false });
    mailer.set('/mailer', fixture('operational.json'));
    await until('the maintenance over for the shop', async () => !(await component(shop, 'payments-receipts')).maintenance, 30_000, 100);
  });
});
