/*
 * Flip soak: N steady HTTP components on a private nginx while CPU hogs spin beside the exporter.
 * Nothing is wrong with any target, so every state change is a false alarm; the budget is zero.
 *
 *   npx tsx bench/soak.ts [--n 200] [--minutes 10] [--hog CORES] [--interval 10] [--warmup 7]
 *                         [--degrade-after K] [--cli OTHER/cli.js]
 *
 * The exporter first learns its baselines unloaded for `warmup` intervals (as in production: the
 * machine gets busy later, a browser starts, a backup runs), then `hog` processes spin at 100 %
 * CPU for `minutes`. Counted over that window: the exporter's own
 * statusgraph_component_state_changes_total (the authoritative figure), the changes seen in the
 * SSE stream (with from/to/reason, so a false "degraded" is told from a false outage), and every
 * probe sample in the stream. The samples are then replayed under other latency rules
 * (bench/lib/rules.ts: k slow rounds in a row, k of the last n) with the exporter's own classifier
 * and hysteresis, so one run compares the rules on the same samples. `--degrade-after` writes
 * that key into the config (1 is the rule before `degrade_after` existed); without it the
 * product's default applies.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startProcess, type OwnedProcess } from '../test/support/process.js';
import { tempDir } from '../test/support/tmp.js';
import { startNginx, type Nginx } from './lib/nginx.js';
import { startBenchExporter, type BenchExporter } from './lib/exporter.js';
import { followSnapshots } from './lib/sse.js';
import { statusgraphHttpConfig } from './lib/configs.js';
import { loadAverage } from './lib/proc.js';
import { percentile, round } from './lib/stats.js';
import { writeResults } from './lib/results.js';
import { consecutive, kOfN, replay, slowRuns, type Sample } from './lib/rules.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    minutes: { type: 'string', default: '10' },
    hog: { type: 'string', default: String(os.cpus().length) },
    interval: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '7' },
    'degrade-after': { type: 'string' },
    cli: { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const n = Number(args.n);
const minutes = Number(args.minutes);
const hogs = Number(args.hog);
const intervalSeconds = Number(args.interval);
const warmupIntervals = Number(args.warmup);
const degradeAfter = args['degrade-after'] === undefined ? undefined : Number(args['degrade-after']);
if (!(n >= 1) || !(minutes > 0) || !(hogs >= 0) || !(intervalSeconds >= 2) || !(warmupIntervals >= 0)
  || (degradeAfter !== undefined && !(Number.isInteger(degradeAfter) && degradeAfter >= 1))) throw new Error('bad arguments');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The product's hysteresis defaults (config/schema.ts), which the generated config keeps. */
const FAIL_AFTER = 1;
const RECOVER_AFTER = 2;

async function stateChangesTotal(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  // One series per component: the sum over all of them.
  const lines = text.split('\n').filter((l) => l.startsWith('statusgraph_component_state_changes_total{'));
  if (lines.length === 0) throw new Error('no statusgraph_component_state_changes_total in /metrics');
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const dir = tempDir('statusgraph-bench-soak-');
const hogProcs: OwnedProcess[] = [];
let nginx: Nginx | undefined, exporter: BenchExporter | undefined;
let sse: { close(): void } | undefined;
try {
  nginx = await startNginx(dir.path);
  const base = statusgraphHttpConfig({ n, origin: nginx.origin, prefix: '/soak/', intervalSeconds });
  const config = degradeAfter !== undefined ? `degrade_after: ${degradeAfter}\n${base}` : base;
  exporter = await startBenchExporter({ dir: dir.path, config, ...(args.cli ? { cli: args.cli } : {}) });

  // The window's samples and changes, by component, as the stream shows them.
  let recording = false;
  const samples = new Map<string, Sample[]>();
  const lastCheckedAt = new Map<string, string>();
  const lastState = new Map<string, string>();
  const changes: { component: string; from: string; to: string; reason: string | null; at: number }[] = [];
  sse = await followSnapshots(exporter.url, (data, receivedAt) => {
    for (const c of data.components as any[]) {
      const prev = lastState.get(c.name);
      if (recording && prev !== undefined && prev !== c.state) changes.push({ component: c.name, from: prev, to: c.state, reason: c.reason, at: receivedAt });
      lastState.set(c.name, c.state);
      const p = (c.probes as any[])[0];
      if (!recording || !p || lastCheckedAt.get(c.name) === p.checkedAt) continue;
      lastCheckedAt.set(c.name, p.checkedAt);
      const list = samples.get(c.name) ?? [];
      list.push({ success: p.success, durationSeconds: p.durationSeconds, ...(p.baselineSeconds !== null && p.baselineSeconds !== undefined ? { baselineSeconds: p.baselineSeconds } : {}) });
      samples.set(c.name, list);
    }
  });

  console.error(`ready; learning baselines unloaded for ${warmupIntervals} intervals`);
  await sleep(warmupIntervals * intervalSeconds * 1_000);
  const loadBefore = loadAverage();
  for (let i = 0; i < hogs; i++) hogProcs.push(startProcess(process.execPath, ['-e', 'for (;;) {}']));
  const before = await stateChangesTotal(exporter.url);
  recording = true;
  console.error(`${hogs} CPU hog(s) started; soaking ${minutes} min`);
  const loads: string[] = [];
  const end = Date.now() + minutes * 60_000;
  while (Date.now() < end) {
    await sleep(Math.min(60_000, end - Date.now()));
    loads.push(loadAverage());
  }
  recording = false;
  const after = await stateChangesTotal(exporter.url);

  const durations = [...samples.values()].flat().filter((s) => s.success).map((s) => s.durationSeconds * 1_000);
  const rules = [consecutive(1), consecutive(2), consecutive(3), consecutive(4), consecutive(5), kOfN(2, 3), kOfN(3, 5)];
  const summary = {
    stateChanges: after - before,
    streamChanges: changes.length,
    streamChangesInvolvingDegraded: changes.filter((c) => c.from === 'degraded' || c.to === 'degraded').length,
    streamChangesToOutage: changes.filter((c) => c.to === 'partial_outage' || c.to === 'major_outage').length,
    samples: [...samples.values()].reduce((a, l) => a + l.length, 0),
    failedSamples: [...samples.values()].flat().filter((s) => !s.success).length,
    slowSamples: [...samples.values()].flat().filter((s) => s.baselineSeconds !== undefined && s.success && s.durationSeconds > 2 * s.baselineSeconds).length,
    latencyMs: { p50: round(percentile(durations, 50), 1), p99: round(percentile(durations, 99), 1), max: round(Math.max(...durations), 1) },
    // Runs of L slow samples in a row: a rule "L+1 in a row" would have flipped none of them.
    slowRunsByLength: slowRuns(samples),
    replayed: rules.map((r) => replay(samples, r, FAIL_AFTER, RECOVER_AFTER)),
    loadAverage: { before: loadBefore, perMinute: loads },
    firstChanges: changes.slice(0, 10),
  };
  console.log(JSON.stringify(summary));
  writeResults(args.out, 'soak', { settings: { n, minutes, hogs, intervalSeconds, warmupIntervals, degradeAfter: degradeAfter ?? 'default', cli: args.cli ?? 'this build' }, summary });
} finally {
  sse?.close();
  for (const h of hogProcs) await h.stop('SIGKILL').catch(() => undefined);
  await exporter?.stop().catch(() => undefined);
  await nginx?.stop().catch(() => undefined);
  dir.remove();
}
