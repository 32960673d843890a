/*
 * The result store's cost (issue 17, acceptance 4, store part): CPU per probe result on the
 * probing side (the snapshot listener's queue) and the writer's side (the batched transaction),
 * and disk after a simulated 30 days.
 *
 *   npx tsx bench/history.ts --probes 10000 --days 30      # the lead's full run
 *   npx tsx bench/history.ts --probes 20 --days 3          # a quick look
 *
 * Method: the real ResultStore and ResultQueue on a fake clock. Each simulated interval (30 s)
 * every probe produces one result (1 in 50 a failure with one of a few reasons); snapshots are fed
 * to the queue as the monitor publishes them, the queue is written every flush interval (5 s of
 * simulated time: here every interval) and the roll-up runs every simulated minute, as the timers
 * do. Disk is the database and WAL size at the end (after a checkpoint), with the row count of
 * each tier. CPU is process.cpuUsage() around each part, divided by the results handled. The
 * probing CPU to compare with (store writes must stay under 10 % of it) is bench/scale.ts's
 * figure at the same scale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ResultQueue } from '../exporter/src/history/results-queue.js';
import { ResultStore } from '../exporter/src/history/results-store.js';
import type { ComponentStatus, Snapshot } from '../exporter/src/engine/snapshot.js';
import { writeResults } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    probes: { type: 'string', default: '1000' },
    days: { type: 'string', default: '30' },
    interval: { type: 'string', default: '30' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const probes = Number(args.probes);
const days = Number(args.days);
const intervalMs = Number(args.interval) * 1_000;
const policy = { retentionMs: 30 * 86_400_000, rawMs: 6 * 3_600_000, fiveMinuteMs: 48 * 3_600_000 };
const REASONS = ['connection refused', 'timeout after 10s', 'HTTP 503', 'ECONNRESET'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-bench-history-'));
const store = new ResultStore(dir, policy);
const queue = new ResultQueue(Number.MAX_SAFE_INTEGER);
const cpu = { queueUs: 0, writeUs: 0, maintainUs: 0 };
const time = (key: keyof typeof cpu, f: () => void) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  cpu[key] += d.user + d.system;
};

const start = Date.UTC(2026, 0, 1);
const end = start + days * 86_400_000;
let results = 0;
let seq = 0;
let lastMaintain = start;
for (let now = start; now < end; now += intervalMs) {
  seq++;
  const components: ComponentStatus[] = [];
  for (let p = 0; p < probes; p++) {
    const fail = (seq * 7 + p) % 50 === 0;
    components.push({
      name: `component-${p}`, tier: 'service', displayName: `component-${p}`, environment: 'production', dependsOn: [], state: 'operational', since: start,
      maintenance: false, impacted: false, rootCauses: [], dependents: [], checked: true, stateChanges: 0,
      probes: [{
        name: 'http', kind: 'http', success: !fail, durationSeconds: 0.02 + ((seq + p) % 100) / 1e4, inconclusive: false, maintenance: false,
        measurements: [], info: {}, checkedAt: now + (p * intervalMs) / probes, ...(fail ? { reason: REASONS[(seq + p) % REASONS.length] } : {}),
      }],
    });
  }
  const snapshot: Snapshot = { seq, at: now, components, byName: new Map(), cycleDurationSeconds: 0, cyclesCompleted: seq };
  time('queueUs', () => queue.onSnapshot(snapshot));
  time('writeUs', () => { results += store.write(queue.take()); });
  if (now - lastMaintain >= 60_000) {
    lastMaintain = now;
    time('maintainUs', () => store.maintain(now));
  }
}
store.close();
const db = new Database(path.join(dir, 'results.db'));
db.pragma('wal_checkpoint(TRUNCATE)');
const rows = {
  raw: (db.prepare('SELECT COUNT(*) AS n FROM results').get() as { n: number }).n,
  fiveMinute: (db.prepare('SELECT COUNT(*) AS n FROM buckets WHERE step = 300000').get() as { n: number }).n,
  hourly: (db.prepare('SELECT COUNT(*) AS n FROM buckets WHERE step = 3600000').get() as { n: number }).n,
};
db.close();
const diskBytes = ['results.db', 'results.db-wal'].reduce((n, f) => n + (fs.existsSync(path.join(dir, f)) ? fs.statSync(path.join(dir, f)).size : 0), 0);
fs.rmSync(dir, { recursive: true, force: true });

const result = {
  probes, days, intervalSeconds: intervalMs / 1000, results,
  cpuMicrosecondsPerResult: {
    queue: cpu.queueUs / results, write: cpu.writeUs / results, rollup: cpu.maintainUs / results,
    total: (cpu.queueUs + cpu.writeUs + cpu.maintainUs) / results,
  },
  rows,
  diskBytes,
  diskBytesPerProbe: Math.round(diskBytes / probes),
  /** Disk grows with probes (every row is per probe): the figure at 10,000 probes, linearly. */
  diskBytesAt10000Probes: Math.round((diskBytes / probes) * 10_000),
};
console.log(JSON.stringify(result));
writeResults(args.out, 'history', { settings: { probes, days, intervalSeconds: intervalMs / 1000, policy }, result });
