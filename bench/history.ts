/*
 * The result store's cost (issue 17, acceptance 4, store part): CPU per probe result on the
 * probing side (the snapshot listener's queue) and the writer's side (the batched transactions and
 * the roll-up), and disk after a simulated span.
 *
 *   npx tsx bench/history.ts --probes 1000 --days 1        # a guidance run (~30 s)
 *   npx tsx bench/history.ts --probes 10000 --hours 7      # CPU per result at full size (~3 min)
 *   npx tsx bench/history.ts --probes 100 --days 30        # disk after 30 days, scaled to 10,000
 *   npx tsx bench/history.ts --probes 200 --days 30        #   probes (~3 and ~5 min): the same figure
 *
 * Method: the real ResultStore and ResultQueue on a fake clock. Each simulated interval (30 s)
 * every probe produces one result (1 in 50 a failure with one of a few reasons) at its own phase
 * in the interval; the interval's snapshot is fed to the queue, and what it queued is written as
 * the flush timer would, one transaction per `--flush` seconds of results (default 5, the
 * default history.flush_interval). The roll-up runs every simulated minute, as its timer does. The
 * clock starts 12.345 s after a midnight, so intervals and flushes straddle the store's 30-s slots.
 * `--shuffle` gives the probes phases unrelated to the order they were first stored in (the
 * worst case for the store's layout; normally both follow the config order).
 *
 * CPU is process.cpuUsage() (user + system) around each part, divided by the results handled.
 * `steady` counts only the time after the raw tier is full (full_resolution + 5 minutes), when a
 * roll-up every 5 minutes aggregates and deletes a 5-minute window: the figure a long run tends
 * to; `--hours 7` at 10,000 probes has 55 minutes of it. Hourly merges start only after
 * full_resolution + five_minute (54 h), so a run of hours leaves them out: they work on a twelfth
 * of the rows the 5-minute pass does (a run of 3 days or more includes them).
 * The probing CPU to compare with (store writes must stay under 10 % of it) is bench/scale.ts's
 * figure at the same scale.
 *
 * Disk is the database and WAL size at the end (after a checkpoint), with the row count of each
 * tier and each table's bytes. Every row is per probe, so disk scales linearly with probes:
 * `diskBytesAt10000Probes` is the figure scaled; two sizes (100 and 200 probes, 30 days) showing
 * the same figure is the check that it does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ResultQueue } from '../exporter/src/history/results-queue.js';
import { ResultStore, type QueuedResult } from '../exporter/src/history/results-store.js';
import type { ComponentStatus, Snapshot } from '../exporter/src/engine/snapshot.js';
import { writeResults } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    probes: { type: 'string', default: '1000' },
    days: { type: 'string', default: '30' },
    hours: { type: 'string' },
    interval: { type: 'string', default: '30' },
    flush: { type: 'string', default: '5' },
    shuffle: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const probes = Number(args.probes);
const spanMs = args.hours !== undefined ? Number(args.hours) * 3_600_000 : Number(args.days) * 86_400_000;
const intervalMs = Number(args.interval) * 1_000;
const flushMs = Number(args.flush) * 1_000;
const policy = { retentionMs: 30 * 86_400_000, rawMs: 6 * 3_600_000, fiveMinuteMs: 48 * 3_600_000 };
const REASONS = ['connection refused', 'timeout after 10s', 'HTTP 503', 'ECONNRESET'];

/** Phase of probe p in the interval, 0..probes-1: its index, or a fixed shuffle of it. */
function phases(n: number, shuffle: boolean): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let seed = 42;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = n - 1; shuffle && i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const phase = phases(probes, args.shuffle);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-bench-history-'));
const store = new ResultStore(dir, policy);
const queue = new ResultQueue(Number.MAX_SAFE_INTEGER);
type Part = 'queue' | 'write' | 'rollup';
const zero = () => ({ queue: { user: 0, system: 0 }, write: { user: 0, system: 0 }, rollup: { user: 0, system: 0 } });
const cpu = { all: zero(), steady: zero() };
const start = Date.UTC(2026, 0, 1) + 12_345;
const end = start + spanMs;
const steadyFrom = start + policy.rawMs + 300_000;
let now = start;
const time = <T>(part: Part, f: () => T): T => {
  const t = process.cpuUsage();
  const out = f();
  const d = process.cpuUsage(t);
  for (const c of now >= steadyFrom ? [cpu.all, cpu.steady] : [cpu.all]) {
    c[part].user += d.user;
    c[part].system += d.system;
  }
  return out;
};

const results = { all: 0, steady: 0 };
let seq = 0;
let lastMaintain = start;
for (; now < end; now += intervalMs) {
  seq++;
  const components: ComponentStatus[] = [];
  for (let p = 0; p < probes; p++) {
    const fail = (seq * 7 + p) % 50 === 0;
    components.push({
      name: `component-${p}`, tier: 'service', displayName: `component-${p}`, environment: 'production', dependsOn: [], state: 'operational', since: start,
      maintenance: false, impacted: false, rootCauses: [], dependents: [], checked: true, stateChanges: 0,
      probes: [{
        name: 'http', kind: 'http', success: !fail, durationSeconds: 0.02 + ((seq + p) % 100) / 1e4, inconclusive: false, maintenance: false,
        measurements: [], info: {}, checkedAt: now + Math.floor((phase[p]! * intervalMs) / probes), ...(fail ? { reason: REASONS[(seq + p) % REASONS.length] } : {}),
      }],
    });
  }
  const snapshot: Snapshot = { seq, at: now, components, byName: new Map(), cycleDurationSeconds: 0, cyclesCompleted: seq };
  time('queue', () => queue.onSnapshot(snapshot));
  // What each flush of the interval would find queued: the results taken in its `flush` seconds.
  const flushes: QueuedResult[][] = Array.from({ length: Math.ceil(intervalMs / flushMs) }, () => []);
  for (const r of queue.take()) flushes[Math.floor((r.at - now) / flushMs)]!.push(r);
  for (const batch of flushes) {
    const n = time('write', () => store.write(batch));
    results.all += n;
    if (now >= steadyFrom) results.steady += n;
  }
  if (now - lastMaintain >= 60_000) {
    lastMaintain = now;
    time('rollup', () => store.maintain(now));
  }
}
store.close();
const db = new Database(path.join(dir, 'results.db'));
db.pragma('wal_checkpoint(TRUNCATE)');
const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
const rows = {
  raw: count('SELECT COUNT(*) AS n FROM results'),
  fiveMinute: count('SELECT COUNT(*) AS n FROM buckets WHERE step = 300000'),
  hourly: count('SELECT COUNT(*) AS n FROM buckets WHERE step = 3600000'),
};
const tableBytes = Object.fromEntries((db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[]).map((r) => [r.name, r.bytes]));
const freeBytes = (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
db.close();
const diskBytes = ['results.db', 'results.db-wal'].reduce((n, f) => n + (fs.existsSync(path.join(dir, f)) ? fs.statSync(path.join(dir, f)).size : 0), 0);
fs.rmSync(dir, { recursive: true, force: true });

const perResult = (c: ReturnType<typeof zero>, n: number) => {
  const us = (part: Part) => (c[part].user + c[part].system) / n;
  const store = c.write.user + c.write.system + c.rollup.user + c.rollup.system;
  return {
    queue: us('queue'), write: us('write'), rollup: us('rollup'), total: us('queue') + us('write') + us('rollup'),
    /** Share of the store's CPU (write + roll-up) spent in the kernel: mostly the WAL's writes. */
    storeSystemShare: store ? (c.write.system + c.rollup.system) / store : 0,
  };
};
const result = {
  probes, hours: spanMs / 3_600_000, intervalSeconds: intervalMs / 1000, flushSeconds: flushMs / 1000, shuffle: args.shuffle, results: results.all,
  cpuMicrosecondsPerResult: perResult(cpu.all, results.all),
  ...(results.steady ? { steady: { results: results.steady, cpuMicrosecondsPerResult: perResult(cpu.steady, results.steady) } } : {}),
  rows,
  tableBytes,
  freeBytes,
  diskBytes,
  diskBytesPerProbe: Math.round(diskBytes / probes),
  /** Disk grows with probes (every row is per probe): the figure at 10,000 probes, linearly. */
  diskBytesAt10000Probes: Math.round((diskBytes / probes) * 10_000),
};
console.log(JSON.stringify(result));
writeResults(args.out, 'history', { settings: { probes, hours: spanMs / 3_600_000, intervalSeconds: intervalMs / 1000, flushSeconds: flushMs / 1000, shuffle: args.shuffle, policy }, result });
