/*
 * Issue 17, acceptance 3, in headless Chromium against `statusgraph demo`: break
 * postgresql-primary, then open today on uptime bars: by a click, the primary's day lists its
 * outage with the reason; by the keyboard (focus the bar, Enter), a dependent's day lists the
 * incident with its root cause, and the incident's link leads to its timeline on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { until } from '../support/ports.js';
import { startDemo, type RunningDemo } from './demo-process.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PRIMARY = 'postgresql-primary';
const DEPENDENT = 'orders';

describe('a day on the uptime bars opens', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let incidentId = '';
  const today = () => new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    demo = await startDemo(1_000);
    const auth = { authorization: `Bearer ${demo.token}` };
    const r = await fetch(`${demo.url}/api/v1/demo/fail`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ component: PRIMARY }) });
    expect(r.status).toBe(200);
    incidentId = await until('the automatic incident of the primary', async () => {
      const list = (await (await fetch(`${demo.url}/api/v1/incidents`, { headers: auth })).json()) as { incidents: { id: string; rootCause: string | null; components: string[] }[] };
      return list.incidents.find((i) => i.rootCause === PRIMARY && i.components.includes(DEPENDENT))?.id;
    }, 30_000, 200);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: auth });
    await page.goto(`${demo.url}/`);
    await page.waitForSelector(`#incidents article.incident[data-id="${incidentId}"]`);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('lists the outage of the day with its time, duration and reason, on a click', async () => {
    await page.click(`#uptime .uprow[data-component="${PRIMARY}"] rect[data-day="${today()}"]`);
    const period = page.locator(`#uptime .daypanel[data-component="${PRIMARY}"] .periods li[data-state="major_outage"]`).first();
    await period.waitFor();
    const text = await period.textContent();
    expect(text).toMatch(/Major outage/);
    expect(text).toMatch(/\d{2}:\d{2}:\d{2}( [AP]M)?–(now|\d{2}:\d{2}:\d{2})/);
    expect(text).toMatch(/\(\d+s|\(\d+m/);
    // The demo's broken primary refuses connections: the probe's reason is kept with the period.
    expect(await period.locator('.why').textContent()).not.toBe('');
  });

  it('lists the incident with its root cause on a dependent, by keyboard, linking to its timeline', async () => {
    await page.focus(`#uptime .uprow[data-component="${DEPENDENT}"] .bars`);
    await page.keyboard.press('Enter');
    const item = page.locator(`#uptime .daypanel[data-component="${DEPENDENT}"] .dayincidents li[data-id="${incidentId}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain(`root cause ${PRIMARY}`);
    expect(await page.getAttribute(`#uptime .daypanel[data-component="${DEPENDENT}"]`, 'data-day')).toBe(today());
    await item.locator('a').click();
    await page.waitForFunction((id) => location.hash === `#incident-${id}`, incidentId);
    expect(await page.locator(`#incident-${incidentId} .timeline li`).count()).toBeGreaterThan(0);
  });
});
