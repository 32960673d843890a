/*
 * The panel's "Checker unhealthy" line (issue 22, item 4) in headless Chromium, from the built
 * module.js: the dashboard's `checkers` query as Grafana returns it (min by (replica): no
 * __name__), over the reference outage.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainTableFrame, REFERENCE } from '../../grafana-panel/test/support/reference.js';
import { grafanaTheme, launchChromium, startHarness } from './harness.js';
import { outagePage } from './page-data.js';

const checkers = plainTableFrame('checkers', [
  { metric: 'statusgraph_replica_checker_healthy', labels: { replica: 'eu-1' }, value: 1 },
  { metric: 'statusgraph_replica_checker_healthy', labels: { replica: 'us-1' }, value: 0 },
], false);

describe('the checker line in headless Chromium', () => {
  let harness: Awaited<ReturnType<typeof startHarness>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const data = outagePage();
    harness = await startHarness({ ...data, series: [...data.series, checkers] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 620 }, deviceScaleFactor: 1 });
    await page.goto(harness.url);
    await page.waitForFunction(() => (window as unknown as { __harness: { done: boolean } }).__harness.done, undefined, { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('names the replica set aside above the graph, in the theme\'s warning colour, and draws every node below it', async () => {
    const banner = page.getByTestId('statusgraph-checker-banner');
    expect(await banner.textContent()).toBe('Checker unhealthy: replica us-1 (results set aside; components show what the other replicas see)');
    const theme = grafanaTheme().theme as unknown as { colors: { warning: { text: string } } };
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(theme.colors.warning.text.slice(i, i + 2), 16));
    expect(await banner.evaluate((el) => getComputedStyle(el).color)).toBe(`rgb(${r}, ${g}, ${b})`);
    expect(await page.locator('svg [data-node]').count()).toBe(REFERENCE.length);
    const line = (await banner.boundingBox())!;
    const svg = (await page.locator('[data-testid="statusgraph-panel"] svg').first().boundingBox())!;
    expect(line.height).toBeGreaterThan(0);
    expect(line.y + line.height).toBeLessThanOrEqual(svg.y + 0.5);
    if (process.env.SCREENSHOT_DIR) await page.locator('#panel').screenshot({ path: `${process.env.SCREENSHOT_DIR}/checker-banner.png` });
  });
});
