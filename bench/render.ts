/*
 * /metrics rendering in isolation: process CPU (including GC threads) of MetricsRenderer.render
 * for N components with one HTTP probe each, median of `rounds`:
 *   fresh      every component changed (a scrape after a whole interval)
 *   refresh    a contiguous tenth changed (one refresh of the monitor: interval/10)
 *   cached     the same snapshot scraped again
 *
 *   npm run build -w exporter && npx tsx bench/render.ts [--n 10000] [--rounds 10] [--exporter DIR]
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { percentile, round } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '10' },
    /** Another build or source tree of the exporter, to compare a change against (e.g. a `git archive` of the previous commit). */
    exporter: { type: 'string', default: path.join(import.meta.dirname, '../exporter/dist') },
  },
});
const { MetricsRenderer } = await import(path.join(path.resolve(args.exporter), 'metrics/renderer.js'));
const { PROBE_KINDS } = await import(path.join(path.resolve(args.exporter), 'probes/registry.js'));
const n = Number(args.n);
const rounds = Number(args.rounds);

function status(i: number, now: number): any {
  return Object.freeze({
    name: `c${String(i).padStart(5, '0')}`, tier: 'service', displayName: `c${i}`, environment: 'production', dependsOn: [],
    state: 'operational', since: now, maintenance: false, impacted: false, rootCauses: [], dependents: [], checked: true, stateChanges: 0,
    probes: [Object.freeze({ name: 'http', kind: 'http', success: true, durationSeconds: Math.random() / 1000, baselineSeconds: 0.01, inconclusive: false, maintenance: false, measurements: [], info: { status_code: 200 }, checkedAt: now })],
  });
}
const snapshot = (seq: number, components: any[]): any => ({ seq, at: Date.now(), components, byName: new Map(), cycleDurationSeconds: 29.99, cyclesCompleted: seq });
const cpuMs = async (f: () => Promise<unknown>): Promise<number> => {
  const c = process.cpuUsage();
  await f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};

const renderer = new MetricsRenderer(PROBE_KINDS.values(), { incidentsOpen: () => 0, openIncidents: () => [], reloadSuccessful: () => true, reloadTimestampSeconds: () => 0, intervalSeconds: () => 30 });
const times = { fresh: [] as number[], refresh: [] as number[], cached: [] as number[] };
let seq = 0;
let bytes = 0;
for (let r = 0; r < rounds; r++) {
  let comps = Array.from({ length: n }, (_, i) => status(i, Date.now()));
  const s = snapshot(++seq, comps);
  times.fresh.push(await cpuMs(() => renderer.parts(s)));
  times.cached.push(await cpuMs(async () => { bytes = (await renderer.parts(s)).reduce((sum: number, b: Buffer) => sum + b.length, 0); }));
  comps = [...comps];
  const from = (r % 10) * Math.floor(n / 10);
  for (let i = from; i < from + Math.floor(n / 10); i++) comps[i] = status(i, Date.now());
  const s2 = snapshot(++seq, comps);
  times.refresh.push(await cpuMs(() => renderer.parts(s2)));
}
console.log(JSON.stringify({ components: n, rounds, bytes, cpuMsMedian: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(percentile(v, 50), 1)])) }));
