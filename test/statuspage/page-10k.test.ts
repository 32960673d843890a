/*
 * Issue 17 item 5, in headless Chromium against the built exporter probing 10,000 real HTTP
 * components (one local server answers them all): the page keeps a bounded number of rows in the
 * DOM, finds a component far down the list by search, scrolls to the end, takes a state change as
 * a `diff` event (no second full snapshot) into the right row, focuses the graph on one component's
 * neighbourhood with the rest collapsed by tier, opens a day from the keyboard, and has no
 * horizontal overflow at 390 px.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, until } from '../support/ports.js';
import { startExporter, type RunningExporter } from '../support/exporter.js';

const N = 10_000;
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const name = (i: number) => `c${String(i).padStart(5, '0')}`;
/** Far down the list: a service near the end, depending on its group's infrastructure component. */
const FAR = name(9987);
const FAR_UPSTREAM = name(9980);
/** Rows in view plus overscan: a 900 px window shows a few card rows and ~20 uptime rows. */
const MAX_ROWS = 120;

/** Every 10th component is infrastructure, the nine after it services depending on it. */
function config(origin: string): string {
  const lines = ['interval: 20s', 'timeout: 5s', 'components:'];
  for (let i = 0; i < N; i++) {
    const infra = i % 10 === 0;
    lines.push(`  - name: ${name(i)}`, `    tier: ${infra ? 'infrastructure' : 'service'}`);
    if (!infra) lines.push(`    depends_on: [${name(i - (i % 10))}]`);
    lines.push('    probes:', `      - kind: http`, `        url: ${origin}/c/${name(i)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the status page at 10,000 components', () => {
  const broken = new Set<string>();
  let target: http.Server;
  let exporter: RunningExporter;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    target = http.createServer((req, res) => {
      const which = (req.url ?? '').slice(3);
      res.writeHead(broken.has(which) ? 503 : 200, { 'content-type': 'text/plain' }).end('ok');
    });
    const port = await freePort();
    await new Promise<void>((r) => target.listen(port, '127.0.0.1', r));
    // Ready after the first full cycle of 10,000 probes: longer than the harness's 30 s on a busy machine.
    exporter = await startExporter({ config: config(`http://127.0.0.1:${port}`), env: { STATUSGRAPH_LOG_LEVEL: 'warn' }, waitReady: false });
    await until('exporter ready', async () => {
      if (exporter.process.exitCode !== null) throw new Error(`exporter exited:\n${exporter.logs()}`);
      return (await fetch(`${exporter.url}/-/ready`).catch(() => undefined))?.ok;
    }, 150_000, 200);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${exporter.url}/`);
    await page.waitForSelector(`body[data-total="${N}"][data-stream="live"]`, { timeout: 60_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await exporter?.stop();
    target?.closeAllConnections();
    await new Promise((r) => target?.close(r));
  });

  const rows = () => page.evaluate(() => ({
    cards: document.querySelectorAll('#grid article.comp').length,
    uptime: document.querySelectorAll('#uptime .uprow').length,
    nodes: document.querySelectorAll('#graph g.node').length,
  }));

  it('keeps a bounded number of rows in the DOM, and the graph collapsed by tier', async () => {
    // The grid is drawn first; the uptime bars and the graph in the tasks after its frame.
    for (const sel of ['#grid article.comp', '#uptime .uprow', '#graph g.node']) await page.waitForSelector(sel);
    const r = await rows();
    expect(r.cards).toBeGreaterThan(0);
    expect(r.cards).toBeLessThanOrEqual(MAX_ROWS);
    expect(r.uptime).toBeGreaterThan(0);
    expect(r.uptime).toBeLessThanOrEqual(MAX_ROWS);
    // 10,000 nodes are not drawn: one node per tier.
    expect(await page.locator('#graph g.node[data-tier-node]').count()).toBe(2);
    expect(r.nodes).toBe(2);
    expect(await page.textContent('#shown')).toBe('10,000 components');
  });

  it('scrolls to the end of the list with the rows still bounded', async () => {
    // Services first, then infrastructure; the last card is the last infrastructure component.
    await page.evaluate(() => { const b = document.querySelector('#grid .vbox')!; b.scrollTop = b.scrollHeight; });
    await page.waitForSelector(`#grid article[data-component="${name(9990)}"]`);
    expect((await rows()).cards).toBeLessThanOrEqual(MAX_ROWS);
    await page.evaluate(() => { document.querySelector('#grid .vbox')!.scrollTop = 0; });
  });

  it('finds a component far down the list by search', async () => {
    await page.fill('#search', FAR);
    await page.waitForSelector(`#grid article[data-component="${FAR}"]`);
    await page.waitForSelector(`#uptime .uprow[data-component="${FAR}"]`);
    expect(await page.locator('#grid article.comp').count()).toBe(1);
    expect(await page.textContent('#shown')).toBe('1 of 10,000 shown');
    expect(await page.evaluate(() => location.hash)).toBe(`#q=${'c09987'}`);
  });

  it('takes a state change as a diff into the right row, without a second full snapshot', async () => {
    await page.fill('#search', 'c0998');
    await page.waitForFunction(() => document.querySelectorAll('#grid article.comp').length === 10);
    const before = await page.evaluate(() => ({ snapshots: Number(document.body.dataset.snapshots ?? 0), diffs: Number(document.body.dataset.diffs ?? 0) }));
    broken.add(FAR);
    // One probe interval (20 s) at most, plus the publish window.
    await page.waitForSelector(`#grid article[data-component="${FAR}"][data-state="major_outage"]`, { timeout: 45_000 });
    const after = await page.evaluate(() => ({ snapshots: Number(document.body.dataset.snapshots ?? 0), diffs: Number(document.body.dataset.diffs ?? 0) }));
    expect(after.snapshots).toBe(before.snapshots);
    expect(after.diffs).toBeGreaterThan(before.diffs);
    const states = await page.$$eval('#grid article.comp', (els) => els.map((e) => [e.getAttribute('data-component'), e.getAttribute('data-state')]));
    expect(states.filter(([, s]) => s !== 'operational')).toEqual([[FAR, 'major_outage']]);
    // Worst first: the broken one moved to the top of its tier.
    expect(states[0]).toEqual([FAR, 'major_outage']);
  }, 60_000);

  it('focuses the graph on a component: it, its upstream and downstream, nothing else', async () => {
    await page.click(`#grid article[data-component="${FAR}"] button.link`);
    await page.waitForSelector(`#graph g.node[data-component="${FAR}"]`);
    await page.waitForSelector(`#graph g.node[data-component="${FAR_UPSTREAM}"]`);
    expect(await page.getAttribute('#graph', 'data-focus')).toBe(FAR);
    expect(await page.getAttribute(`#graph g.node[data-component="${FAR}"]`, 'data-state')).toBe('major_outage');
    // Its siblings (c09980's other dependents) are neither up nor downstream of it.
    expect(await page.locator('#graph g.node').count()).toBe(2);
    // By name: the infrastructure component and its nine dependents, the broken one among them.
    await page.fill('#graph-focus', FAR_UPSTREAM);
    await page.press('#graph-focus', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#graph g.node').length === 10);
    expect(await page.getAttribute('#graph', 'data-focus')).toBe(FAR_UPSTREAM);
    expect(await page.locator('#graph path.edge.hot').count()).toBe(0);
    // Collapse the services: the focus and one node for its nine dependents.
    await page.check('#graph input[data-tier="service"]');
    await page.waitForSelector('#graph g.node[data-tier-node="service"]');
    expect(await page.locator('#graph g.node').count()).toBe(2);
    expect(await page.getAttribute('#graph g.node[data-tier-node="service"]', 'data-state')).toBe('major_outage');
  });

  it('opens a day from the keyboard on a row found by search', async () => {
    await page.fill('#search', FAR);
    await page.waitForFunction((n) => document.querySelectorAll('#uptime .uprow').length === 1 && !!document.querySelector(`#uptime .uprow[data-component="${n}"]`), FAR);
    await page.focus(`#uptime .uprow[data-component="${FAR}"] .bars`);
    await page.keyboard.press('ArrowLeft');
    // The row is redrawn with the chosen day; the focus stays on its bars.
    await page.waitForSelector(`#uptime .uprow[data-component="${FAR}"] rect.sel`);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('bars'))).toBe(true);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const today = new Date().toISOString().slice(0, 10);
    await page.waitForSelector(`#uptime .daypanel[data-component="${FAR}"][data-day="${today}"] .periods li[data-state="major_outage"]`);
  });

  it('has no horizontal overflow at 390 px', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(`${exporter.url}/`);
      await phone.waitForSelector(`body[data-total="${N}"]`, { timeout: 60_000 });
      // Everything drawn: the grid, then the graph and the uptime bars after its frame.
      for (const sel of ['#grid article.comp', '#graph svg', '#uptime .uprow']) await phone.waitForSelector(sel);
      const widths = await phone.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, graph: document.querySelector('#graph svg')!.getBoundingClientRect().right }));
      expect(widths.doc).toBeLessThanOrEqual(390);
      expect(widths.body).toBeLessThanOrEqual(390);
      expect(widths.graph).toBeLessThanOrEqual(390);
      // One card per row on a phone.
      expect(await phone.locator('#grid .cards.cols-1').count()).toBeGreaterThan(0);
    } finally {
      await phone.close();
    }
  });
});
