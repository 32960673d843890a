/**
 * Panel benchmark (not a test): layout plus first render of a 500-node, 1,000-edge graph in
 * headless Chromium, the pure layout alone in Node, and the gzip size of module.js.
 *
 *   npm run build -w grafana-panel && npx tsx bench/panel/bench.ts [--runs 9]
 *
 * Each browser run is a fresh page, so it measures a first render, not a re-render.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { computeRootCauses } from '../../grafana-panel/src/layout/impact.js';
import { layoutGraph, STATES } from '@statusgraph/core';
import type { RawSeries } from '../../grafana-panel/test/support/reference.js';
import { launchChromium, PANEL_DIST, startHarness } from '../../test/panel/harness.js';
import { NOW, tableFramesFor } from '../../test/panel/page-data.js';

const NODES = 500;
const EDGES = 1000;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const PROFILE = process.argv.includes('--profile');

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface BenchGraph {
  readonly label: string;
  readonly names: string[];
  readonly tierOf: (i: number) => string;
  readonly edges: Array<{ source: string; target: string }>;
}

/**
 * A stack shaped like the ones statusgraph watches: 300 services in six levels calling deeper
 * services, 125 infrastructure components (some depending on each other, like a replica on its
 * primary) and 75 vendors as leaves.
 */
function stackGraph(): BenchGraph {
  const rnd = lcg(2026);
  const names = Array.from({ length: NODES }, (_, i) => `component-${String(i).padStart(3, '0')}`);
  const tierOf = (i: number) => (i < 300 ? 'service' : i < 425 ? 'infrastructure' : 'third-party');
  const level = (i: number) => Math.floor(i / 50); // services 0..5
  const pick = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));
  const edges = new Map<string, { source: string; target: string }>();
  const add = (a: number, b: number) => { if (a !== b) edges.set(`${a}-${b}`, { source: names[a]!, target: names[b]! }); };
  for (let i = 300; i < 425 && edges.size < EDGES; i += 5) add(i + 1, i); // replicas on primaries
  while (edges.size < EDGES) {
    const a = pick(0, 300);
    const r = rnd();
    if (r < 0.45 && level(a) < 5) add(a, pick((level(a) + 1) * 50, Math.min(300, (level(a) + 3) * 50)));
    else if (r < 0.85) add(a, pick(300, 425));
    else add(a, pick(425, 500));
  }
  return { label: 'stack: 6 service levels, infrastructure, vendors', names, tierOf, edges: [...edges.values()] };
}

/** An adversarial shape: random dependencies on any later component, chains 50 layers deep. */
function deepRandomGraph(): BenchGraph {
  const rnd = lcg(2026);
  const names = Array.from({ length: NODES }, (_, i) => `component-${String(i).padStart(3, '0')}`);
  const tierOf = (i: number) => (i < NODES * 0.6 ? 'service' : i < NODES * 0.85 ? 'infrastructure' : 'third-party');
  const edges = new Map<string, { source: string; target: string }>();
  while (edges.size < EDGES) {
    const a = Math.floor(rnd() * (NODES - 1));
    const b = Math.min(NODES - 1, a + 1 + Math.floor(rnd() * rnd() * 120));
    edges.set(`${a}-${b}`, { source: names[a]!, target: names[b]! });
  }
  return { label: 'deep random DAG', names, tierOf, edges: [...edges.values()] };
}

/** The panel's input for a graph: states (a few outages), impact, edges, latencies. */
function seriesFor(g: BenchGraph): { series: Record<string, RawSeries[]>; impacted: number } {
  const rnd = lcg(7);
  const { names, tierOf, edges } = g;
  const state = new Map(names.map((n) => {
    const r = rnd();
    return [n, r < 0.01 ? STATES[3] : r < 0.02 ? STATES[2] : r < 0.05 ? STATES[1] : STATES[0]] as const;
  }));
  const deps = new Map<string, string[]>();
  for (const e of edges) deps.set(e.source, [...(deps.get(e.source) ?? []), e.target]);
  const roots = computeRootCauses(state, deps);
  const series: Record<string, RawSeries[]> = {
    statusgraph_component_status: names.map((n, i) => ({ metric: 'statusgraph_component_status', labels: { component: n, tier: tierOf(i) }, value: STATES.indexOf(state.get(n)!) })),
    statusgraph_component_impacted: [...roots].flatMap(([n, rs]) => rs.map((r) => ({ metric: 'statusgraph_component_impacted', labels: { component: n, tier: tierOf(names.indexOf(n)), root_cause: r }, value: 1 }))),
    statusgraph_dependency_info: edges.map((e) => ({ metric: 'statusgraph_dependency_info', labels: { component: e.source, depends_on: e.target }, value: 1 })),
    statusgraph_probe_duration_seconds: names.map((n) => ({ metric: 'statusgraph_probe_duration_seconds', labels: { component: n, probe: 'http' }, value: Math.round(rnd() * 300) / 1000 })),
  };
  return { series, impacted: roots.size };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) the renderer's main thread has used, from /proc: the thread-group
 * leader (tid = pid) is the renderer main thread, where the panel's JavaScript, style and layout
 * run. On a shared machine its CPU time is close to what the render takes on an idle one.
 */
function rendererMainThreadSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0; // the process ended between listing and reading
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function measure(g: BenchGraph, browser: Awaited<ReturnType<typeof launchChromium>>) {
  const { series, impacted } = seriesFor(g);
  // The pure layout alone, in Node (after a warm-up run).
  const input = { nodes: g.names.map((n, i) => ({ id: n, tier: g.tierOf(i) })), edges: g.edges };
  let info = layoutGraph(input, { groupByTier: true });
  const nodeTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    info = layoutGraph(input, { groupByTier: true });
    nodeTimes.push(performance.now() - t0);
  }
  const harness = await startHarness({
    series: tableFramesFor(series),
    annotations: [],
    options: { direction: 'LR', groupByTier: true, showLatency: true, hideOperational: false, colors: { operational: 'green', degraded: 'yellow', partial_outage: 'orange', major_outage: 'red' } },
    width: 1600,
    height: 900,
    now: NOW,
  });
  const render: number[] = [];
  const painted: number[] = [];
  const cpu: number[] = [];
  const mainCpu: number[] = [];
  const cdp = await browser.newBrowserCDPSession();
  // CPU seconds of every Chromium process: on a shared machine, wall time mostly measures the
  // neighbours, CPU time measures the work.
  const cpuSeconds = async () => {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ cpuTime: number; type: string; id: number }> };
    return {
      all: processInfo.reduce((sum, p) => sum + p.cpuTime, 0),
      main: processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + rendererMainThreadSeconds(p.id), 0),
    };
  };
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      const page = await browser.newPage({ viewport: { width: 1640, height: 940 } });
      await page.goto(`${harness.url}?manual`);
      await page.waitForFunction(() => (window as unknown as { __harness: { ready?: boolean; done: boolean } }).__harness.ready || (window as unknown as { __harness: { done: boolean } }).__harness.done, undefined, { timeout: 60_000 });
      const before = await cpuSeconds();
      await page.evaluate(() => (window as unknown as { __harnessRender: () => void }).__harnessRender());
      await page.waitForFunction(() => (window as unknown as { __harness: { done: boolean } }).__harness.done, undefined, { timeout: 60_000 });
      const after = await cpuSeconds();
      const r = await page.evaluate(() => (window as unknown as { __harness: { error?: string; renderMs: number; paintedMs: number } }).__harness);
      if (r.error) throw new Error(r.error);
      const drawn = await page.locator('[data-node]').count();
      if (drawn !== NODES) throw new Error(`expected ${NODES} nodes drawn, got ${drawn}`);
      await page.close();
      if (i === 0) continue; // the first page also pays for loading and compiling the scripts
      render.push(r.renderMs);
      painted.push(r.paintedMs);
      cpu.push((after.all - before.all) * 1000);
      mainCpu.push((after.main - before.main) * 1000);
    }
    if (PROFILE) await profileOnce(harness.url, browser);
  } finally {
    await harness.close();
  }
  const row = (what: string, xs: number[]) => `| ${what} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`;
  console.log(`## ${g.label}`);
  console.log(`${NODES} nodes, ${g.edges.length} edges, ${impacted} impacted; layout: ${info.layers} layers, ${info.crossings} crossings`);
  console.log('');
  console.log('| measure | median | min | max |');
  console.log('|---|---|---|---|');
  console.log(row('layout only, Node (layoutGraph, warm)', nodeTimes));
  console.log(row('layout + first render, Chromium (join, layout, SVG into the page)', render));
  console.log(row('… to the first frame after it (style, layout, paint)', painted));
  console.log(row('CPU time of the renderer main thread for that render and frame', mainCpu));
  console.log(row('CPU time of all Chromium processes for that render and frame', cpu));
  console.log('');
}

/**
 * One more first render under the V8 CPU profiler (CDP), self time summed per script and the
 * top functions: where the first render's time goes.
 */
async function profileOnce(url: string, browser: Awaited<ReturnType<typeof launchChromium>>) {
  const page = await browser.newPage({ viewport: { width: 1640, height: 940 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.goto(`${url}?manual`);
  await page.waitForFunction(() => (window as unknown as { __harness: { ready?: boolean } }).__harness.ready, undefined, { timeout: 60_000 });
  await cdp.send('Profiler.start');
  await page.evaluate(() => (window as unknown as { __harnessRender: () => void }).__harnessRender());
  await page.waitForFunction(() => (window as unknown as { __harness: { done: boolean } }).__harness.done, undefined, { timeout: 60_000 });
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>; samples: number[]; timeDeltas: number[] } };
  await page.close();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perScript = new Map<string, number>();
  const perFunction = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const us = profile.timeDeltas[i + 1] ?? 0;
    const script = n.callFrame.url ? new URL(n.callFrame.url).pathname : n.callFrame.functionName || '(native)';
    perScript.set(script, (perScript.get(script) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${script}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
    perFunction.set(fn, (perFunction.get(fn) ?? 0) + us);
  });
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `  ${(us / 1000).toFixed(1).padStart(7)} ms  ${name}`);
  console.log('profile of one render and its frame (self time):');
  console.log(top(perScript, 8).join('\n'));
  console.log(top(perFunction, 12).join('\n'));
  console.log('');
}

async function main() {
  const chromiumVersion = fs.existsSync('/usr/bin/chromium')
    ? (await import('node:child_process')).execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
    : 'chromium';
  console.log(`# statusgraph panel benchmark (${new Date().toISOString().slice(0, 16)}Z)`);
  console.log(`machine: ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB; node ${process.version}; ${chromiumVersion}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${RUNS} runs each, fresh page per run`);
  console.log('');
  const browser = await launchChromium();
  try {
    for (const g of [stackGraph(), deepRandomGraph()]) await measure(g, browser);
  } finally {
    await browser.close();
  }
  const js = fs.readFileSync(path.join(PANEL_DIST, 'module.js'));
  const gz = zlib.gzipSync(js, { level: 9 }).length;
  console.log(`module.js: ${(js.length / 1024).toFixed(1)} KB, gzip -9: ${(gz / 1024).toFixed(1)} KB; load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
