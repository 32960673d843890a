/*
 * The public summary.json of an audience page at scale (issue 20, acceptance 5): 10,000 internal
 * components rolled into 200 public ones by default. The exporter runs in this process; a second
 * process sends a steady load (a fixed rate, not a closed loop, so a slow answer cannot slow the
 * load down) and reports p50/p99 latency; this process reports its CPU time per request: all of
 * it (`cpuMsPerRequest`: probing the 10,000 components and the local target's answers included)
 * and net of a window of the same length without load just before (`netCpuMsPerRequest`: what
 * serving summary.json itself costs).
 *
 *   npm run build -w exporter && npx tsx bench/public-summary.ts [--internal 10000] [--public 200] [--rate 200] [--seconds 20]
 *
 * Every internal component probes one local HTTP server, so the probes cost what they cost in
 * production and the page is derived from real snapshots.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startService } from '../exporter/dist/app.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** The second process: `rate` GETs per second for `seconds`, latencies in ms on stdout as JSON. */
async function load(url: string, rate: number, seconds: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let errors = 0;
  const get = () => new Promise<void>((resolve) => {
    const t = performance.now();
    http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) latencies.push(performance.now() - t); else errors++; resolve(); });
    }).on('error', () => { errors++; resolve(); });
  });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; n < rate * seconds; n++) {
    const due = start + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(get());
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ requests: latencies.length, errors, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }));
}

async function main(): Promise<void> {
  const internal = arg('internal', 10_000);
  const publicCount = arg('public', 200);
  const rate = arg('rate', 200);
  const seconds = arg('seconds', 20);
  const target = http.createServer((_req, res) => { res.writeHead(200); res.end('ok'); });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-bench-public-'));
  const names = Array.from({ length: internal }, (_, i) => `c${i}`);
  const per = Math.ceil(internal / publicCount);
  const file = path.join(dir, 'bench.yml');
  fs.writeFileSync(file, [
    'interval: 10s', 'timeout: 5s', 'listen: 127.0.0.1:0', `data_dir: ${JSON.stringify(path.join(dir, 'data'))}`,
    'components:',
    // A chain of ten per public component, so impact and root causes are computed, not trivial.
    ...names.map((n, i) => `  - { name: ${n}, tier: service, ${i % 10 ? `depends_on: [c${i - 1}], ` : ''}probes: [{ kind: http, url: "${targetUrl}" }] }`),
    'pages:', '  - id: public', '    title: Bench', '    listen: 127.0.0.1:0', '    components:',
    ...Array.from({ length: publicCount }, (_, p) => `      - { name: "Feature ${p}", group: "Group ${p % 10}", internal: [${names.slice(p * per, (p + 1) * per).join(', ') || 'c0'}] }`),
  ].join('\n'));
  const svc = await startService({ configFile: file, logger: pino({ level: 'silent' }) });
  try {
    while (svc.snapshot().cyclesCompleted < 1) await new Promise((r) => setTimeout(r, 100));
    const url = `${svc.pageUrls.get('public')}/api/v2/summary.json`;
    const bytes = (await (await fetch(url)).text()).length;
    // The same length of time without load: probing, the target and snapshots, for the net figure.
    const idle0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const idle = process.cpuUsage(idle0);
    const cpu0 = process.cpuUsage();
    const child = fork(fileURLToPath(import.meta.url), ['--load', url, String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv: process.execArgv });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise((r) => child.on('exit', r));
    const cpu = process.cpuUsage(cpu0);
    const r = JSON.parse(out) as { requests: number; errors: number; p50: number; p99: number };
    const perRequest = (us: number) => Number((us / 1000 / Math.max(1, r.requests)).toFixed(3));
    const total = cpu.user + cpu.system;
    process.stdout.write(`${JSON.stringify({
      internal, public: publicCount, rate, seconds, summaryBytes: bytes, ...r,
      cpuMsPerRequest: perRequest(total), netCpuMsPerRequest: perRequest(total - idle.user - idle.system),
    })}\n`);
  } finally {
    await svc.stop();
    target.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--load') await load(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
else await main();
