/*
 * Memory timeline: where statusgraph's peak RSS comes from, phase by phase.
 *
 *   npx tsx bench/memory.ts [--n 10000] [--seconds 75] [--interval 30] [--every 250] [--heap-every 5] [--scrape-from S] [--cli OTHER/cli.js] [--node-arg=--flag ...]
 *
 * Starts the built exporter with N HTTP components against a private nginx and reads
 * /proc/PID/status (VmRSS, VmHWM, RssAnon, RssFile) every `every` ms from the moment the process
 * exists, so the config load, the first cycle's ramp and the steady cycles each show up. V8's heap
 * spaces come from the exporter's own /metrics once it serves it. Prints the timeline at 1 s
 * resolution and the phase maxima; writes the raw samples to bench/results/memory-*.json.
 * `--scrape-from S` fetches /metrics back to back (100 ms apart) from S seconds on, as scale.ts's
 * stress window does, so the RSS of a scrape after a quiet spell (every block re-encoded) shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, metricValue } from '../test/support/exporter.js';
import { freePort } from '../test/support/ports.js';
import { startProcess } from '../test/support/process.js';
import { tempDir } from '../test/support/tmp.js';
import { startNginx } from './lib/nginx.js';
import { statusgraphHttpConfig } from './lib/configs.js';
import { loadAverage } from './lib/proc.js';
import { writeResults } from './lib/results.js';
import { round } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '75' },
    interval: { type: 'string', default: '30' },
    every: { type: 'string', default: '250' },
    /** Seconds between reads of V8's heap spaces from /metrics (each read renders /metrics, which allocates). */
    'heap-every': { type: 'string', default: '5' },
    /** Extra node flags for the exporter, e.g. --node-arg=--max-semi-space-size=4 (repeatable). */
    'node-arg': { type: 'string', multiple: true, default: [] },
    /** Seconds after start from which /metrics is fetched back to back; off when absent. */
    'scrape-from': { type: 'string' },
    cli: { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const n = Number(args.n);
const seconds = Number(args.seconds);
const every = Number(args.every);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  t: number;
  rss: number;
  hwm: number;
  anon: number;
  file: number;
  heapNew?: number;
  heapOld?: number;
  heapLarge?: number;
  heapCode?: number;
  external?: number;
  ready?: boolean;
}

function status(pid: number): Pick<Sample, 'rss' | 'hwm' | 'anon' | 'file'> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const mib = (f: string) => round(Number(new RegExp(`^${f}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? NaN) / 1024, 1);
  return { rss: mib('VmRSS'), hwm: mib('VmHWM'), anon: mib('RssAnon'), file: mib('RssFile') };
}

async function heap(url: string): Promise<Partial<Sample> | undefined> {
  const res = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const text = await res.text();
  const mib = (name: string, labels: Record<string, string> = {}) => round((metricValue(text, name, labels) ?? NaN) / 2 ** 20, 1);
  return {
    heapNew: mib('nodejs_heap_space_size_total_bytes', { space: 'new' }),
    heapOld: mib('nodejs_heap_space_size_total_bytes', { space: 'old' }),
    heapLarge: mib('nodejs_heap_space_size_total_bytes', { space: 'large_object' }),
    heapCode: mib('nodejs_heap_space_size_total_bytes', { space: 'code' }),
    external: mib('nodejs_external_memory_bytes'),
  };
}

async function main(): Promise<void> {
  const dir = tempDir('sg-bench-memory-');
  const nginx = await startNginx(path.join(dir.path, 'nginx'));
  const port = await freePort();
  const configFile = path.join(dir.path, 'statusgraph.yml');
  fs.writeFileSync(configFile, statusgraphHttpConfig({ n, origin: nginx.origin, prefix: '/sg/', intervalSeconds: Number(args.interval) }));
  const url = `http://127.0.0.1:${port}`;
  const load = loadAverage();
  const t0 = Date.now();
  const proc = startProcess(process.execPath, [...args['node-arg'], args.cli ? path.resolve(args.cli) : CLI, 'run', '--config', configFile, '--listen', `127.0.0.1:${port}`, '--data-dir', path.join(dir.path, 'data')], {
    env: { ...process.env, STATUSGRAPH_LOG_LEVEL: 'info' },
  });
  const samples: Sample[] = [];
  let readyAt: number | undefined;
  let scrapes = 0;
  let stopScraping = false;
  const scraping = (async () => {
    if (args['scrape-from'] === undefined) return;
    await sleep(Number(args['scrape-from']) * 1_000);
    while (!stopScraping) {
      const res = await fetch(`${url}/metrics`).catch(() => undefined);
      if (res?.ok) { await res.arrayBuffer(); scrapes++; }
      await sleep(100);
    }
  })();
  try {
    while (Date.now() - t0 < seconds * 1_000 && !proc.exited()) {
      const s = status(proc.pid);
      if (!s) break;
      const sample: Sample = { t: round((Date.now() - t0) / 1_000, 2), ...s };
      if (readyAt === undefined && (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok) readyAt = sample.t;
      if (samples.length % Math.max(1, Math.round((Number(args['heap-every']) * 1_000) / every)) === 0) Object.assign(sample, await heap(url));
      samples.push(sample);
      await sleep(every);
    }
    if (proc.exited()) throw new Error(`exporter exited:\n${proc.output()}`);
  } finally {
    stopScraping = true;
    await scraping;
    await proc.stop('SIGTERM', 30_000);
    await nginx.stop();
    dir.remove();
  }
  const phase = (from: number, to: number) => {
    const xs = samples.filter((s) => s.t >= from && s.t < to);
    return xs.length ? round(Math.max(...xs.map((s) => s.rss)), 1) : undefined;
  };
  const result = {
    components: n,
    cli: args.cli ?? CLI,
    nodeArgs: args['node-arg'],
    intervalSeconds: Number(args.interval),
    scrapeFromSeconds: args['scrape-from'] !== undefined ? Number(args['scrape-from']) : undefined,
    scrapes,
    loadAverage: load,
    readySeconds: readyAt,
    peakRssMiB: samples.at(-1)?.hwm,
    maxRssMiB: {
      untilReady: readyAt !== undefined ? phase(0, readyAt) : undefined,
      firstInterval: readyAt !== undefined ? phase(readyAt, readyAt + Number(args.interval)) : undefined,
      afterFirstInterval: readyAt !== undefined ? phase(readyAt + Number(args.interval), Infinity) : undefined,
      ...(args['scrape-from'] !== undefined ? {
        beforeScraping: phase(0, Number(args['scrape-from'])),
        whileScraping: phase(Number(args['scrape-from']), Infinity),
      } : {}),
    },
    final: samples.at(-1),
  };
  console.log('  t(s)   rss   hwm  anon  file   new   old large  code   ext');
  let lastSecond = -1;
  for (const s of samples) {
    if (Math.floor(s.t) === lastSecond) continue;
    lastSecond = Math.floor(s.t);
    const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : v.toFixed(0)).padStart(6);
    console.log(`${s.t.toFixed(1).padStart(6)}${f(s.rss)}${f(s.hwm)}${f(s.anon)}${f(s.file)}${f(s.heapNew)}${f(s.heapOld)}${f(s.heapLarge)}${f(s.heapCode)}${f(s.external)}${readyAt === s.t ? '  ready' : ''}`);
  }
  console.log(JSON.stringify(result));
  writeResults(args.out, 'memory', { ...result, samples });
}

await main();
