import { ZERO_COUNTS } from '../../src/engine/attribution.js';
/*
 * Two hours of probing on a fake clock, then a crash (no close(): the process is gone) and a
 * restart on the same data directory: the sparklines (/api/v1/latency's data) come back as they
 * were, from the result store (issue 17, acceptance 1 in-process; the real-process kill -9 is
 * test/history/kill-restart.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHistory, type History } from '../../src/history/index.js';
import type { ComponentStatus, ProbeStatus, Snapshot } from '../../src/engine/snapshot.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const POLICY = { retentionMs: 30 * 86_400_000, rawMs: 6 * 3_600_000, fiveMinuteMs: 48 * 3_600_000 };

function probe(name: string, at: number, success: boolean, durationSeconds: number): ProbeStatus {
  return { name, kind: 'http', success, durationSeconds, inconclusive: false, maintenance: false, measurements: [], info: {}, checkedAt: at, ...(success ? {} : { reason: 'HTTP 503' }) };
}
function snapshot(seq: number, at: number, ok: boolean, tls = true): Snapshot {
  const c: ComponentStatus = {
    name: 'api', tier: 'service', displayName: 'api', environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state: ok ? 'operational' : 'major_outage', since: at,
    maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS,
    probes: [probe('http', at, ok, 0.01 + (seq % 13) / 1000), ...(tls ? [probe('tls', at + 1, true, 0.02 + (seq % 7) / 1000)] : [])],
  };
  return { seq, at, components: [c], byName: new Map([[c.name, c]]), cycleDurationSeconds: 0, cyclesCompleted: seq };
}

/** `tlsFrom`: the sequence number from which the second probe runs (added to the config later). */
function twoHoursThenCrash(rawMs: number, tlsFrom = 1): { before: ReturnType<History['latency']>; after: ReturnType<History['latency']> } {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-restart-'));
  dirs.push(d);
  let now = Date.UTC(2026, 2, 3, 10);
  const make = (): History => createHistory({ dataDir: d, now: () => now, logger: pino({ level: 'silent' }), policy: { ...POLICY, rawMs }, flushEveryMs: 5_000, timers: false });
  const h1 = make();
  // 2 hours at a 30 s interval, an outage of 10 minutes in the middle, flushed and rolled up as the timers would.
  for (let seq = 1; seq <= 240; seq++, now += 30_000) {
    h1.onSnapshot(snapshot(seq, now, seq < 100 || seq > 120, seq >= tlsFrom));
    if (seq % 10 === 0) h1.flush();
    if (seq % 2 === 0) h1.maintain();
  }
  h1.flush();
  const before = h1.latency();
  // The crash: h1 is never closed. The restart opens the same files.
  const h2 = make();
  // The first snapshot after a start lists only the probes that have run: the others' rings stay.
  const first = snapshot(241, now, true);
  const unchecked = { ...first.components[0]!, checked: false, probes: first.components[0]!.probes.slice(1) };
  h2.onSnapshot({ ...first, components: [unchecked], byName: new Map([['api', unchecked]]) });
  const after = h2.latency();
  h2.close();
  return { before, after };
}

const totals = (buckets: readonly { count: number; failures: number; max: number }[]) =>
  ({ count: buckets.reduce((n, b) => n + b.count, 0), failures: buckets.reduce((n, b) => n + b.failures, 0), max: Math.max(...buckets.map((b) => b.max)) });

describe('history across a crash', () => {
  it('refills the latency rings from the store: the same buckets as before the crash (2 h inside the raw tier)', () => {
    const { before, after } = twoHoursThenCrash(6 * 3_600_000);
    expect(before[0]!.widthMs).toBe(64_000);
    expect(before.flatMap((p) => p.buckets).some((b) => b.failures > 0)).toBe(true);
    expect(after).toEqual(before.map((p) => ({ ...p, buckets: p.buckets.map((b) => ({ ...b, sum: expect.closeTo(b.sum, 5) })) })));
  });

  it('replays a probe first seen half an hour before the crash at its own, narrower width', () => {
    const { before, after } = twoHoursThenCrash(6 * 3_600_000, 180);
    expect(before.map((p) => [p.probe, p.widthMs])).toEqual([['http', 64_000], ['tls', 16_000]]);
    expect(after).toEqual(before.map((p) => ({ ...p, buckets: p.buckets.map((b) => ({ ...b, sum: expect.closeTo(b.sum, 5) })) })));
  });

  it('keeps the totals when part of the day is already in 5-minute buckets (replayed at their start)', () => {
    const { before, after } = twoHoursThenCrash(3_600_000);
    expect(after.map((p) => [p.component, p.probe, p.widthMs, totals(p.buckets)])).toEqual(before.map((p) => [p.component, p.probe, p.widthMs, totals(p.buckets)]));
  });
});
