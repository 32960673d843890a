import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statuspageProbe } from '../../exporter/src/probes/statuspage.js';
import { freePort } from '../support/ports.js';
import { probeUnderTest, type ProbeUnderTest } from '../support/probe.js';
import { startStatuspageServer, type StatuspageServer } from '../support/statuspage-server.js';

// The statuspage probe over real HTTP, under the monitor's own deadline.
let vendor: StatuspageServer;
const probes: ProbeUnderTest[] = [];

function probe(options: Record<string, unknown>, timeoutMs = 2_000): ProbeUnderTest {
  const p = probeUnderTest(statuspageProbe, options, { timeoutMs });
  probes.push(p);
  return p;
}

beforeAll(async () => {
  vendor = await startStatuspageServer();
  vendor.set('/moved', { redirect: '/fixtures/major-outage.json' });
});

afterAll(async () => {
  for (const p of probes) await p.close().catch(() => undefined);
  await vendor?.close();
});

describe('statuspage probe: each sample maps to its documented state', () => {
  it('operational.json: operational, no open incidents', async () => {
    const o = await probe({ url: vendor.at('/fixtures/operational.json') }).run();
    expect(o).toMatchObject({ success: true, info: { indicator: 'none', incidents: [] } });
    expect(o.reportedState).toBeUndefined();
    expect(o.inconclusive).toBeUndefined();
    expect(o.maintenance).toBeUndefined();
  });

  it('degraded-component.json: degraded, the open incident in the API info', async () => {
    const o = await probe({ url: vendor.at('/fixtures/degraded-component.json') }).run();
    expect(o).toMatchObject({ success: true, reportedState: 'degraded', info: { incidents: ['Elevated latency on charge creation'] } });
    expect(o.reason).toBe('vendor reports degraded performance: Elevated latency on charge creation');
  });

  it('major-outage.json: major outage, the open incident named', async () => {
    const o = await probe({ url: vendor.at('/fixtures/major-outage.json') }).run();
    expect(o).toMatchObject({ success: true, reportedState: 'major_outage', reason: 'vendor reports major outage: API unavailable' });
  });

  it('maintenance.json: maintenance, not an outage', async () => {
    const o = await probe({ url: vendor.at('/fixtures/maintenance.json') }).run();
    expect(o).toMatchObject({ success: true, maintenance: true, reason: 'vendor reports maintenance: Dashboard database upgrade' });
    expect(o.reportedState).toBeUndefined();
  });

  it('watched components decide instead of the overall indicator', async () => {
    const dashboard = await probe({ url: vendor.at('/fixtures/major-outage.json'), components: ['Dashboard'] }).run();
    expect(dashboard.reportedState).toBeUndefined();
    const webhooks = await probe({ url: vendor.at('/fixtures/major-outage.json'), components: ['Webhooks'] }).run();
    expect(webhooks.reportedState).toBe('partial_outage');
  });

  it('follows a redirect to the summary', async () => {
    const o = await probe({ url: vendor.at('/moved') }).run();
    expect(o.reportedState).toBe('major_outage');
  });
});

describe('statuspage probe: a page that is not a summary is "vendor status unavailable", never down', () => {
  const cases: Array<[string, string, string]> = [
    ['HTML', '/html', 'vendor status unavailable: not JSON (text/html)'],
    ['404', '/missing', 'vendor status unavailable: status 404'],
    ['malformed JSON', '/malformed', 'vendor status unavailable: malformed JSON'],
  ];
  it.each(cases)('%s', async (_name, pathname, reason) => {
    const o = await probe({ url: vendor.at(pathname) }).run();
    expect(o).toEqual({ success: true, inconclusive: true, durationSeconds: expect.any(Number), reason });
  });

  it('timeout: answered before the monitor deadline, as unavailable rather than failed', async () => {
    const p = probe({ url: vendor.at('/slow') }, 600);
    const o = await p.run();
    expect(o).toMatchObject({ success: true, inconclusive: true, reason: 'vendor status unavailable: timeout' });
  });

  it('nothing listening: unavailable (refused)', async () => {
    const o = await probe({ url: `http://127.0.0.1:${await freePort()}/api/v2/summary.json` }).run();
    expect(o).toMatchObject({ success: true, inconclusive: true, reason: 'vendor status unavailable: refused' });
  });
});
