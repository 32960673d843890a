import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTAGE_IMPACTED, OUTAGE_INCIDENT, REFERENCE, ROOT_CAUSE } from '../../grafana-panel/test/support/reference.js';
import { grafanaTheme, launchChromium, startHarness } from './harness.js';
import { outagePage } from './page-data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCREENSHOT = path.resolve(here, '../../grafana-panel/docs/screenshot.png');
const TOOLTIP_SCREENSHOT = path.resolve(here, '../../grafana-panel/docs/screenshot-tooltip.png');

function rgb(hex: string): string {
  const h = hex.replace('#', '');
  return `rgb(${[0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)).join(', ')})`;
}

describe('statusgraph panel in headless Chromium', () => {
  const { colorsByName } = grafanaTheme();
  let harness: Awaited<ReturnType<typeof startHarness>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    harness = await startHarness(outagePage());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 620 }, deviceScaleFactor: 1 });
    await page.goto(harness.url);
    await page.waitForFunction(() => (window as unknown as { __harness: { done: boolean } }).__harness.done, undefined, { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const state = () => page.evaluate(() => (window as unknown as { __harness: Record<string, unknown> }).__harness);
  const fillOf = (id: string) => page.locator(`[data-node="${id}"] [data-mark="body"]`).evaluate((el) => getComputedStyle(el).fill);

  it('loads module.js through the AMD loader and renders every component', async () => {
    const s = await state();
    expect(s.error).toBeUndefined();
    expect(s.dataSupport).toMatchObject({ annotations: true });
    expect(await page.locator('svg [data-node]').count()).toBe(REFERENCE.length);
  });

  it('paints each node in the Grafana theme colour of its state', async () => {
    expect(await fillOf(ROOT_CAUSE)).toBe(rgb(colorsByName.red!));
    expect(await fillOf('postgresql-replica')).toBe(rgb(colorsByName.orange!));
    expect(await fillOf('payments')).toBe(rgb(colorsByName.yellow!));
    expect(await fillOf('orders')).toBe(rgb(colorsByName.green!));
    expect(await fillOf('s3-storage')).toBe(rgb(colorsByName.green!));
  });

  it('marks the impacted components, the root cause and the incident badges', async () => {
    const impacted = await page.locator('[data-node][data-role="impacted"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    expect(impacted.sort()).toEqual([...OUTAGE_IMPACTED].sort());
    for (const id of OUTAGE_IMPACTED) {
      const dash = await page.locator(`[data-node="${id}"] [data-mark="body"]`).evaluate((el) => getComputedStyle(el).strokeDasharray);
      expect(dash, id).not.toBe('none');
      expect(await page.locator(`[data-node="${id}"] [data-mark="impacted"]`).isVisible()).toBe(true);
    }
    expect(await page.locator(`[data-node="${ROOT_CAUSE}"] [data-mark="root-cause"]`).textContent()).toBe('ROOT CAUSE');
    expect(await page.locator('[data-node][data-role="root-cause"]').count()).toBe(1);
    const badged = await page.locator('[data-mark="incident-badge"]').evaluateAll((els) => els.map((e) => e.closest('[data-node]')!.getAttribute('data-node')));
    expect(badged.sort()).toEqual([ROOT_CAUSE, ...OUTAGE_IMPACTED].sort());
    expect(await page.locator('[data-node="worker"] [data-mark="incident-badge"]').count()).toBe(0);
  });

  it('highlights the edges out of the failing database', async () => {
    const edge = page.locator('[data-edge="orders->postgresql-primary"]');
    expect(await edge.getAttribute('data-emphasis')).toBe('unhealthy');
    expect(await edge.evaluate((el) => getComputedStyle(el).stroke)).toBe(rgb(colorsByName.red!));
    expect(await page.locator('[data-edge="worker->sendgrid"]').getAttribute('data-emphasis')).toBe('none');
  });

  it('draws no two nodes on top of each other and keeps the graph inside the panel', async () => {
    const boxes = await page.locator('[data-node] [data-mark="body"]').evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    }));
    const panel = (await page.locator('#panel').boundingBox())!;
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i]!;
      expect(a.x).toBeGreaterThanOrEqual(panel.x - 1);
      expect(a.x + a.w).toBeLessThanOrEqual(panel.x + panel.width + 1);
      expect(a.y).toBeGreaterThanOrEqual(panel.y - 1);
      expect(a.y + a.h).toBeLessThanOrEqual(panel.y + panel.height + 1);
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap).toBe(false);
      }
    }
  });

  it('saves the screenshot of the outage', async () => {
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.locator('#panel').screenshot({ path: SCREENSHOT });
    const png = fs.readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('draws the same picture again from the same data', async () => {
    const first = await page.locator('#panel').screenshot();
    const again = await browser.newPage({ viewport: { width: 1200, height: 620 }, deviceScaleFactor: 1 });
    try {
      await again.goto(harness.url);
      await again.waitForFunction(() => (window as unknown as { __harness: { done: boolean } }).__harness.done, undefined, { timeout: 30_000 });
      const second = await again.locator('#panel').screenshot();
      expect(second.equals(first)).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('shows the incident and the root cause in the tooltip', async () => {
    await page.locator('[data-node="orders"] [data-mark="body"]').hover();
    const tip = page.getByTestId('statusgraph-tooltip');
    await tip.waitFor({ state: 'visible' });
    expect(await tip.textContent()).toContain(OUTAGE_INCIDENT.title);
    expect(await page.getByTestId('tooltip-root-cause').textContent()).toBe(`Impacted, root cause: ${ROOT_CAUSE}`);
    await page.locator('#panel').screenshot({ path: TOOLTIP_SCREENSHOT });
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'detached' });
  });

  it('opens the runbook on click', async () => {
    const href = await page.locator('[data-node="payments"]').evaluate((el) => el.closest('a')?.getAttribute('href'));
    expect(href).toBe('https://wiki.example/runbooks/payments');
  });
});
