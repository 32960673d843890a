/*
 * Scale: statusgraph probing N HTTP components on a private nginx, side by side with
 * blackbox_exporter probing the same targets at the same rate (driven by a real Prometheus).
 *
 *   npx tsx bench/scale.ts [--sizes 1000,5000,10000] [--cycles 3] [--interval 30] [--no-blackbox] [--cpu-prof DIR] [--heap-prof DIR] [--cli OTHER/cli.js]
 *
 * Per size: warm up one interval, measure CPU (utime+stime from /proc) of each prober over
 * `cycles` intervals while Prometheus scrapes both, count the probes that reached nginx, then
 * scrape /metrics back to back for one more interval to time it while cycles keep running.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { metricValue } from '../test/support/exporter.js';
import { startBenchExporter, type BenchExporter } from './lib/exporter.js';
import { startPrometheus, type Prometheus } from '../test/support/prometheus.js';
import { tempDir } from '../test/support/tmp.js';
import { startNginx, type Nginx } from './lib/nginx.js';
import { startBlackbox, type Blackbox } from './lib/blackbox.js';
import { clockTicks, cpuMeter, loadAverage, statusBytes } from './lib/proc.js';
import { percentile, round, spacingJitter } from './lib/stats.js';
import { writeResults } from './lib/results.js';
import { prometheusBenchConfig, statusgraphHttpConfig } from './lib/configs.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000,10000' },
    cycles: { type: 'string', default: '3' },
    interval: { type: 'string', default: '30' },
    'no-blackbox': { type: 'boolean', default: false },
    /** Directory for a V8 CPU profile of the exporter (node --cpu-prof), written when it stops. */
    'cpu-prof': { type: 'string' },
    /** Directory for a sampling heap profile of the exporter (node --heap-prof): what is live at exit. */
    'heap-prof': { type: 'string' },
    /** Another build's exporter/dist/cli.js, to measure a change before and after in the same conditions. */
    cli: { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const sizes = args.sizes.split(',').map(Number);
const cycles = Number(args.cycles);
const intervalSeconds = Number(args.interval);
const intervalMs = intervalSeconds * 1_000;
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(cycles >= 1) || !(intervalSeconds >= 1)) {
  throw new Error('--sizes must be positive integers, --cycles and --interval at least 1');
}
const ticks = clockTicks();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the RSS is: anonymous vs file-backed pages (/proc), V8 heap spaces and external memory (the exporter's prom-client metrics). */
function memoryBreakdown(pid: number, metricsText: string) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  const mib = (name: string, labels: Record<string, string> = {}) => round((metricValue(metricsText, name, labels) ?? NaN) / 2 ** 20, 1);
  return {
    rssAnon: round(kb('RssAnon'), 1),
    rssFile: round(kb('RssFile'), 1),
    heapTotal: mib('nodejs_heap_size_total_bytes'),
    heapUsed: mib('nodejs_heap_size_used_bytes'),
    heapNew: mib('nodejs_heap_space_size_total_bytes', { space: 'new' }),
    heapOld: mib('nodejs_heap_space_size_total_bytes', { space: 'old' }),
    heapLargeObject: mib('nodejs_heap_space_size_total_bytes', { space: 'large_object' }),
    external: mib('nodejs_external_memory_bytes'),
  };
}

async function scrapeTimes(exporter: BenchExporter, windowMs: number): Promise<{ ms: number[]; bytes: number; last: string }> {
  const ms: number[] = [];
  let bytes = 0;
  let last = '';
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    const t = performance.now();
    const r = await fetch(`${exporter.url}/metrics`);
    // Time to the last byte; decoding the text is the client's business, not the exporter's.
    const body = Buffer.from(await r.arrayBuffer());
    ms.push(performance.now() - t);
    if (!r.ok) throw new Error(`/metrics ${r.status}`);
    bytes = body.length;
    last = body.toString('utf8');
    // A short pause so the window samples every phase of the cycle, not a tight loop.
    await sleep(100);
  }
  return { ms, bytes, last };
}

async function runSize(n: number) {
  const dir = tempDir(`statusgraph-bench-${n}-`);
  let nginx: Nginx | undefined, exporter: BenchExporter | undefined, blackbox: Blackbox | undefined, prom: Prometheus | undefined;
  try {
    nginx = await startNginx(dir.path);
    const startedAt = Date.now();
    exporter = await startBenchExporter({
      dir: dir.path,
      config: statusgraphHttpConfig({ n, origin: nginx.origin, prefix: '/sg/', intervalSeconds }),
      ...(args.cli ? { cli: path.resolve(args.cli) } : {}),
      nodeArgs: [
        ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : []),
        ...(args['heap-prof'] ? ['--heap-prof', `--heap-prof-dir=${path.resolve(args['heap-prof'])}`] : []),
      ],
    });
    const readyMs = Date.now() - startedAt;
    const sgPid = exporter.pid;
    const peakRssAtReady = statusBytes(sgPid, 'VmHWM');
    if (!args['no-blackbox']) {
      blackbox = await startBlackbox(dir.path);
      prom = await startPrometheus({
        configYaml: prometheusBenchConfig({ n, origin: nginx.origin, prefix: '/bb/', intervalSeconds, blackbox: blackbox.address, exporter: `127.0.0.1:${exporter.port}` }),
        retention: '1d',
      });
    }
    console.error(`[${n}] ready after ${readyMs} ms; warming up for one interval`);
    await sleep(intervalMs + 5_000);

    const loadBefore = loadAverage();
    const from = Date.now();
    const sgCpu = cpuMeter(sgPid, ticks);
    const bbCpu = blackbox ? cpuMeter(blackbox.pid, ticks) : undefined;
    await sleep(cycles * intervalMs);
    const sgSeconds = sgCpu.stop();
    const bbSeconds = bbCpu?.stop();
    const to = Date.now();
    const loadDuring = loadAverage();
    const peakRssAfterWindow = statusBytes(sgPid, 'VmHWM');
    const rssAfterWindow = statusBytes(sgPid, 'VmRSS');
    const memAfterWindow = memoryBreakdown(sgPid, await (await fetch(`${exporter.url}/metrics`)).text());

    const sgReq = nginx.requests('/sg/', from, to);
    const bbReq = nginx.requests('/bb/', from, to);
    const count = (m: Map<string, number[]>) => [...m.values()].reduce((a, l) => a + l.length, 0);
    const sgProbes = count(sgReq);
    const bbProbes = count(bbReq);

    console.error(`[${n}] CPU window done (${sgProbes} / ${bbProbes} probes); timing /metrics for one interval`);
    const scrape = await scrapeTimes(exporter, intervalMs);
    const jitterTo = Date.now();
    const sgJitter = spacingJitter(nginx.requests('/sg/', from, jitterTo), intervalMs);
    const bbJitter = spacingJitter(nginx.requests('/bb/', from, jitterTo), intervalMs);

    const text = scrape.last;
    const okProbes = text.split('\n').filter((l) => l.startsWith('statusgraph_probe_success{') && l.endsWith(' 1')).length;
    const skipped = exporter.logLines().filter((l) => l.msg === 'probe round skipped: previous round still running' && l.level === 'warn').length;
    let bbSuccess: number | undefined;
    if (prom) {
      const r = await prom.query('sum(probe_success{job="blackbox"})');
      bbSuccess = r[0] ? Number(r[0].value[1]) : 0;
    }
    const result = {
      components: n,
      ...(args.cli ? { cli: path.resolve(args.cli) } : {}),
      intervalSeconds,
      cycles,
      windowSeconds: round((to - from) / 1000, 1),
      loadAverage: { before: loadBefore, during: loadDuring },
      statusgraph: {
        readyMs,
        probes: sgProbes,
        expectedProbes: n * cycles,
        cpuSeconds: round(sgSeconds),
        cpuSecondsPer1000Probes: round((sgSeconds / sgProbes) * 1000, 4),
        cpuMsPerProbe: round((sgSeconds / sgProbes) * 1000, 4),
        // Peak RSS (VmHWM) when ready (after loading the config), after the CPU window (cycles with
        // Prometheus scraping every 15 s), and at the end (after the back-to-back /metrics window).
        peakRssMiB: {
          atReady: round(peakRssAtReady / 2 ** 20, 1),
          afterCycles: round(peakRssAfterWindow / 2 ** 20, 1),
          atEnd: round(statusBytes(sgPid, 'VmHWM') / 2 ** 20, 1),
        },
        rssMiB: { afterCycles: round(rssAfterWindow / 2 ** 20, 1), atEnd: round(statusBytes(sgPid, 'VmRSS') / 2 ** 20, 1) },
        memoryAfterCyclesMiB: memAfterWindow,
        memoryAtEndMiB: memoryBreakdown(sgPid, text),
        cycleDurationSeconds: metricValue(text, 'statusgraph_probe_cycle_duration_seconds'),
        roundsSkipped: skipped,
        probesSucceeding: okProbes,
        jitterMs: { gaps: sgJitter.gaps, p50: round(sgJitter.p50Ms, 1), p99: round(sgJitter.p99Ms, 1), max: round(sgJitter.maxMs, 1) },
        metricsScrapeMs: { samples: scrape.ms.length, p50: round(percentile(scrape.ms, 50), 2), p99: round(percentile(scrape.ms, 99), 2), max: round(Math.max(...scrape.ms), 2), bytes: scrape.bytes },
      },
      ...(blackbox && bbSeconds !== undefined ? {
        blackbox: {
          probes: bbProbes,
          cpuSeconds: round(bbSeconds),
          cpuSecondsPer1000Probes: round((bbSeconds / bbProbes) * 1000, 4),
          peakRssMiB: round(statusBytes(blackbox.pid, 'VmHWM') / 2 ** 20, 1),
          probesSucceeding: bbSuccess,
          jitterMs: { gaps: bbJitter.gaps, p50: round(bbJitter.p50Ms, 1), p99: round(bbJitter.p99Ms, 1), max: round(bbJitter.maxMs, 1) },
        },
        cpuPerProbeRatio: round((sgSeconds / sgProbes) / (bbSeconds / bbProbes), 3),
      } : {}),
    };
    return result;
  } finally {
    await prom?.stop().catch(() => undefined);
    await blackbox?.stop().catch(() => undefined);
    await exporter?.stop().catch(() => undefined);
    await nginx?.stop().catch(() => undefined);
    dir.remove();
  }
}

const results = [];
for (const n of sizes) {
  const r = await runSize(n);
  console.log(JSON.stringify(r));
  results.push(r);
}
writeResults(args.out, 'scale', { results });
