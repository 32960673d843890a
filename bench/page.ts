/*
 * The status page in headless Chromium at N components (issue 17, acceptance 4): time to first
 * paint, to the first cards shown, to every component reachable (in the page's model: by scroll
 * or search; the page before the virtualised grid had to draw them all), to interactive, the bytes
 * sent, the DOM size, how busy the main thread stays while the stream runs, and how long a search
 * for the last component takes. Each size against its own exporter, probing a local HTTP server in
 * this process (what is measured is the page, not the probing: no nginx needed), the page loaded
 * `--runs` times in fresh contexts with the cache disabled.
 *
 *   npx tsx bench/page.ts [--sizes 14,1000,10000] [--runs 3] [--interval 30] [--cli OTHER/cli.js] [--settle 10]
 *
 * `--cli` runs another build's exporter, which serves its own page: the before/after comparison.
 * Interactive: the end of the last long task (> 50 ms, PerformanceObserver) before a quiet 2 s
 * window after every component is reachable; null if the main thread never went quiet.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { startBenchExporter, type BenchExporter } from './lib/exporter.js';
import { tempDir } from '../test/support/tmp.js';
import { componentName, statusgraphPageConfig } from './lib/configs.js';
import { loadAverage } from './lib/proc.js';
import { percentile, round } from './lib/stats.js';
import { writeResults } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '14,1000,10000' },
    runs: { type: 'string', default: '3' },
    interval: { type: 'string', default: '30' },
    /** Seconds of stream watched after every component is reachable (main-thread load, quiet window). */
    settle: { type: 'string', default: '10' },
    /** Give up on one load after this many seconds (the old page at 10,000 may never finish). */
    'max-seconds': { type: 'string', default: '120' },
    cli: { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const sizes = args.sizes.split(',').map(Number);
const runs = Number(args.runs);
const intervalSeconds = Number(args.interval);
const settleMs = Number(args.settle) * 1_000;
const maxMs = Number(args['max-seconds']) * 1_000;
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(runs >= 1) || !(intervalSeconds >= 1) || !(settleMs >= 2_000)) {
  throw new Error('--sizes must be positive integers, --runs and --interval at least 1, --settle at least 2');
}
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs in the page before its scripts: records the first card, the moment every component is
 * reachable (the new page's body[data-total], or N cards drawn by the old one) and the long tasks.
 */
function probeScript(n: number): string {
  return `(() => {
    const sg = window.__sg = { firstCard: null, shown: null, reachable: null, longTasks: [] };
    new PerformanceObserver((l) => { for (const e of l.getEntries()) sg.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
    const check = () => {
      if (!document.body) return;
      const cards = document.querySelectorAll('#grid article[data-component]').length;
      if (cards > 0 && sg.firstCard === null) {
        sg.firstCard = performance.now();
        // Shown: after the frame that draws the first cards has been painted.
        requestAnimationFrame(() => setTimeout(() => { sg.shown = performance.now(); }, 0));
      }
      if (sg.reachable === null && (Number(document.body.dataset.total) === ${n} || cards >= ${n})) sg.reachable = performance.now();
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-total'] });
  })();`;
}

interface Run {
  firstPaintMs: number | null;
  cardsShownMs: number | null;
  allReachableMs: number | null;
  interactiveMs: number | null;
  /** Share of the settle window the main thread spent in long tasks (stream updates included). */
  mainThreadBusy: number | null;
  bytesUntilReachable: number;
  bytesByPath: Record<string, number>;
  domElements: number;
  cardsInDom: number;
  searchMs: number | null;
}

async function loadOnce(browser: Browser, exporter: BenchExporter, n: number): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  let counting = true;
  cdp.on('Network.requestWillBeSent', (e) => { urls.set(e.requestId, new URL(e.request.url).pathname); });
  // dataReceived, not loadingFinished: the SSE stream never finishes.
  cdp.on('Network.dataReceived', (e) => {
    if (!counting) return;
    const p = urls.get(e.requestId) ?? '?';
    bytes.set(p, (bytes.get(p) ?? 0) + e.encodedDataLength);
  });
  cdp.on('Network.responseReceived', (e) => {
    if (!counting) return;
    const p = urls.get(e.requestId) ?? '?';
    // Header bytes are in encodedDataLength of the response, not in dataReceived.
    bytes.set(p, (bytes.get(p) ?? 0) + (e.response.encodedDataLength ?? 0));
  });
  await page.addInitScript(probeScript(n));
  try {
    await page.goto(`${exporter.url}/`);
    const reached = await page.waitForFunction(() => (window as any).__sg.reachable !== null, undefined, { timeout: maxMs, polling: 100 }).then(() => true, () => false);
    counting = false;
    await sleep(settleMs);
    const sg = await page.evaluate(() => {
      const w = (window as any).__sg as { firstCard: number | null; shown: number | null; reachable: number | null; longTasks: [number, number][] };
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      return { ...w, fcp, now: performance.now(), elements: document.getElementsByTagName('*').length, cards: document.querySelectorAll('#grid article[data-component]').length };
    });
    let interactive: number | null = null;
    let busy: number | null = null;
    if (reached && sg.reachable !== null) {
      const ends = sg.longTasks.map(([s, d]) => [s, s + d] as const).sort((a, b) => a[0] - b[0]);
      // The first moment after `reachable` followed by 2 s without a long task starting.
      let t = Math.max(sg.reachable, sg.shown ?? 0, sg.fcp ?? 0);
      for (const [s, e] of ends) {
        if (e <= t) continue;
        if (s - t >= 2_000) break;
        t = e;
      }
      interactive = sg.now - t >= 2_000 ? t : null;
      const from = sg.now - settleMs;
      busy = ends.reduce((sum, [s, e]) => sum + Math.max(0, Math.min(e, sg.now) - Math.max(s, from)), 0) / settleMs;
    }
    let searchMs: number | null = null;
    if (reached && await page.$('#search')) {
      const last = componentName(n - 1);
      const t0 = Date.now();
      await page.fill('#search', last);
      await page.waitForSelector(`#grid article[data-component="${last}"]`, { timeout: 30_000 });
      searchMs = Date.now() - t0;
    }
    return {
      firstPaintMs: sg.fcp === null ? null : round(sg.fcp, 0),
      cardsShownMs: sg.shown === null ? null : round(sg.shown, 0),
      allReachableMs: reached && sg.reachable !== null ? round(sg.reachable, 0) : null,
      interactiveMs: interactive === null ? null : round(interactive, 0),
      mainThreadBusy: busy === null ? null : round(busy, 3),
      bytesUntilReachable: [...bytes.values()].reduce((a, b) => a + b, 0),
      bytesByPath: Object.fromEntries(bytes),
      domElements: sg.elements,
      cardsInDom: sg.cards,
      searchMs,
    };
  } finally {
    await context.close();
  }
}

const median = (xs: readonly (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === xs.length && v.length ? round(percentile(v, 50), 0) : null;
};

/** Answers every probe 200 on a free loopback port. */
async function startTarget(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(() => r())); },
  };
}

async function runSize(n: number, browser: Browser) {
  const dir = tempDir(`statusgraph-bench-page-${n}-`);
  let target: Awaited<ReturnType<typeof startTarget>> | undefined, exporter: BenchExporter | undefined;
  try {
    target = await startTarget();
    exporter = await startBenchExporter({
      dir: dir.path,
      config: statusgraphPageConfig({ n, origin: target.origin, prefix: '/sg/', intervalSeconds }),
      ...(args.cli ? { cli: path.resolve(args.cli) } : {}),
    });
    // The first cycle ramps over a second; a few more give every sparkline its first points.
    await sleep(5_000);
    const loadBefore = loadAverage();
    const all: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await loadOnce(browser, exporter, n);
      console.error(`[${n}] run ${i + 1}: paint ${r.firstPaintMs} ms, cards ${r.cardsShownMs} ms, reachable ${r.allReachableMs} ms, interactive ${r.interactiveMs} ms, ${r.bytesUntilReachable} B, ${r.domElements} elements, search ${r.searchMs} ms`);
      all.push(r);
    }
    return {
      components: n,
      ...(args.cli ? { cli: path.resolve(args.cli) } : {}),
      intervalSeconds,
      loadAverage: { before: loadBefore, after: loadAverage() },
      median: {
        firstPaintMs: median(all.map((r) => r.firstPaintMs)),
        cardsShownMs: median(all.map((r) => r.cardsShownMs)),
        allReachableMs: median(all.map((r) => r.allReachableMs)),
        interactiveMs: median(all.map((r) => r.interactiveMs)),
        bytesUntilReachable: median(all.map((r) => r.bytesUntilReachable)),
        domElements: median(all.map((r) => r.domElements)),
        mainThreadBusy: all.every((r) => r.mainThreadBusy !== null) ? round(percentile(all.map((r) => r.mainThreadBusy!), 50), 3) : null,
        searchMs: median(all.map((r) => r.searchMs)),
      },
      runs: all,
    };
  } finally {
    await exporter?.stop().catch(() => undefined);
    await target?.close().catch(() => undefined);
    dir.remove();
  }
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = [];
try {
  for (const n of sizes) {
    const r = await runSize(n, browser);
    console.log(JSON.stringify({ components: r.components, median: r.median }));
    results.push(r);
  }
} finally {
  await browser.close();
}
writeResults(args.out, 'page', { args: { sizes, runs, intervalSeconds, settleSeconds: settleMs / 1_000, ...(args.cli ? { cli: path.resolve(args.cli) } : {}) }, results });
