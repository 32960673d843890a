/*
 * What the result store's time-major layout costs its readers (issue 17): one probe's history
 * API ranges and the startup refill of every probe's latency ring, on a full-size store.
 *
 *   npx tsx bench/history-reads.ts --probes 10000      # ~21 M rows, ~0.7 GB in the temp dir, ~1 min to fill
 *
 * Method: a results.db is opened by the real ResultStore (schema and watermarks as in service)
 * and filled in SQL in key order with the default tiers at a 30 s interval: 6 h raw, 48 h of
 * 5-minute buckets, hourly buckets for the rest of 30 days, one result in 50 a failure. Then, for
 * `--samples` probes spread over the ids, wall time of: the history API's raw page (6 h, limit
 * 10,000), 48 h at 5 minutes and 30 days hourly (range.ts, as /api/v1/components/{name}/history
 * reads them), and one uptime-day panel (a day, hourly, as /days/{date} reads it); and once, the
 * refill of every probe's ring at startup (seed.ts). The database is reopened before the reads,
 * so SQLite's page cache starts cold (the OS's is warm, as on a running host).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { LatencyRings } from '../exporter/src/history/latency.js';
import { historyPage } from '../exporter/src/history/probe-history.js';
import { bucketsInRange } from '../exporter/src/history/range.js';
import { SLOT_MS } from '../exporter/src/history/results-schema.js';
import { RESULTS_DB_FILE, ResultStore } from '../exporter/src/history/results-store.js';
import { FIVE_MIN_MS, HOUR_MS } from '../exporter/src/history/rollup.js';
import { seedRings } from '../exporter/src/history/seed.js';
import { writeResults } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    probes: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '50' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const probes = Number(args.probes);
const samples = Number(args.samples);
const DAY = 86_400_000;
const policy = { retentionMs: 30 * DAY, rawMs: 6 * HOUR_MS, fiveMinuteMs: 48 * HOUR_MS };
const now = Date.UTC(2026, 0, 31, 12, 0, 12_345);
const rawFrom = Math.floor((now - policy.rawMs) / FIVE_MIN_MS) * FIVE_MIN_MS;
const fiveFrom = Math.floor((rawFrom - policy.fiveMinuteMs) / HOUR_MS) * HOUR_MS;
const hourFrom = Math.ceil((now - policy.retentionMs) / HOUR_MS) * HOUR_MS;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-bench-reads-'));
new ResultStore(dir, policy).close();
const fillStarted = performance.now();
const db = new Database(path.join(dir, RESULTS_DB_FILE));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');
const series = (name: string, from: number, to: number, step: number) =>
  `${name}(n) AS (SELECT ${from} UNION ALL SELECT n + ${step} FROM ${name} WHERE n + ${step} < ${to})`;
db.transaction(() => {
  db.exec(`WITH RECURSIVE ${series('p', 1, probes + 1, 1)} INSERT INTO probes (id, component, probe) SELECT n, 'component-' || n, 'http' FROM p`);
  db.exec("INSERT INTO reasons (id, text) VALUES (1, 'connection refused')");
  // Slots outer, probes inner: key order. Latency 20-30 ms; every 50th result of a probe fails.
  db.exec(`WITH RECURSIVE ${series('s', rawFrom / SLOT_MS, Math.ceil(now / SLOT_MS), 1)}, ${series('p', 1, probes + 1, 1)}
    INSERT INTO results (slot, probe, ms, latency_us, reason)
    SELECT s.n, p.n, (p.n * 3) % ${SLOT_MS}, 20000 + (s.n * 7 + p.n) % 10000, CASE WHEN (s.n + p.n) % 50 = 0 THEN 1 END FROM s CROSS JOIN p
    WHERE s.n * ${SLOT_MS} + (p.n * 3) % ${SLOT_MS} < ${now}`);
  for (const [step, from, to, n] of [[FIVE_MIN_MS, fiveFrom, rawFrom, 10], [HOUR_MS, hourFrom, fiveFrom, 120]] as const) {
    db.exec(`WITH RECURSIVE ${series('s', from, to, step)}, ${series('p', 1, probes + 1, 1)}
      INSERT INTO buckets (step, start, probe, count, failures, min_us, sum_us, max_us, p95_us, first_reason, last_reason)
      SELECT ${step}, s.n, p.n, ${n}, 1, 20000, ${(n - 1) * 25_000}, 29999, 29000, 1, 1 FROM s CROSS JOIN p`);
  }
  db.prepare('UPDATE marks SET raw_from = ?, five_from = ?').run(rawFrom, fiveFrom);
})();
db.pragma('wal_checkpoint(TRUNCATE)');
const rows = (sql: string) => (db.prepare(sql).pluck().get() as number);
const counts = { raw: rows('SELECT COUNT(*) FROM results'), fiveMinute: rows(`SELECT COUNT(*) FROM buckets WHERE step = ${FIVE_MIN_MS}`), hourly: rows(`SELECT COUNT(*) FROM buckets WHERE step = ${HOUR_MS}`) };
db.close();
const fillSeconds = (performance.now() - fillStarted) / 1000;

const store = new ResultStore(dir, policy);
const ids = Array.from({ length: samples }, (_, i) => 1 + Math.floor((i * probes) / samples));
const refs = new Map(store.allProbes().map((p) => [p.id, p]));
const times: Record<string, number[]> = { raw6h: [], fiveMinute48h: [], hourly30d: [], day: [] };
const time = (key: string, f: () => unknown[]) => {
  const t = performance.now();
  const n = f().length;
  times[key]!.push(performance.now() - t);
  return n;
};
const found: Record<string, number> = {};
for (const id of ids) {
  found.raw6h = time('raw6h', () => historyPage(store, [refs.get(id)!], { from: now - 6 * HOUR_MS, to: now, step: 'raw', limit: 10_000 }).raw);
  found.fiveMinute48h = time('fiveMinute48h', () => bucketsInRange(store, id, now - 48 * HOUR_MS, now, '5m'));
  found.hourly30d = time('hourly30d', () => bucketsInRange(store, id, now - 30 * DAY, now, '1h'));
  found.day = time('day', () => bucketsInRange(store, id, Math.floor(now / DAY) * DAY - DAY, Math.floor(now / DAY) * DAY, '1h'));
}
const refillStarted = performance.now();
const refilled = seedRings(new LatencyRings(), store, now, DAY, 120);
const refillSeconds = (performance.now() - refillStarted) / 1000;
store.close();
const diskBytes = fs.statSync(path.join(dir, RESULTS_DB_FILE)).size;
fs.rmSync(dir, { recursive: true, force: true });

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { medianMs: s[Math.floor(s.length / 2)]!, maxMs: s[s.length - 1]! };
};
const result = {
  probes, rows: counts, diskBytes, fillSeconds,
  reads: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { rows: found[k], ...stats(v) }])),
  refill: { probes: refilled, seconds: refillSeconds },
};
console.log(JSON.stringify(result));
writeResults(args.out, 'history-reads', { settings: { probes, samples, policy }, result });
