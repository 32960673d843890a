import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/engine/snapshot.js';
import type { IncidentEvent } from '../../src/incidents/events.js';
import { pendingQueue } from '../../src/incidents/pending.js';
import { createIncidentService } from '../../src/incidents/service.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import type { IncidentStore } from '../../src/incidents/store.js';
import type { State } from '@statusgraph/core';
import { recordingLogger } from '../engine/fakes.js';
import { tempDir } from './support.js';
import { CHAIN, changesBetween, config, manualClock, snapshot } from './fixtures.js';

// A full disk, injected at the store's boundary: every write throws the error better-sqlite3 throws
// for SQLITE_FULL, before touching the database (the real thing, on a full tmpfs, is in
// test/incidents/disk-full-tmpfs.test.ts, which needs root).

const WRITES = new Set(['apply', 'createManual', 'addUpdate', 'resolve']);

function fillable(store: IncidentStore): { store: IncidentStore; full: { on: boolean } } {
  const full = { on: false };
  const wrapped = new Proxy(store, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (full.on && WRITES.has(String(key))) return Promise.reject(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, full };
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

function harness() {
  const dir = tempDir('sg-full-');
  const real = openIncidentStore({ dataDir: dir.path, sinks: [] });
  cleanups.push(async () => { await real.close(); dir.remove(); });
  const { store, full } = fillable(real);
  const clock = manualClock();
  const log = recordingLogger();
  const events: IncidentEvent[] = [];
  const service = createIncidentService({
    store, logger: log.logger, now: clock.now, config: () => config(CHAIN), publish: (e) => events.push(e), onChange: () => {},
  });
  let before: Snapshot | undefined;
  let seq = 0;
  const feed = async (states: Record<string, State>) => {
    const snap = snapshot(CHAIN, states, { seq: ++seq, at: clock.now() });
    await service.onSnapshot(snap, changesBetween(before, snap));
    before = snap;
    return snap.at;
  };
  return { service, full, clock, feed, lines: log.lines, events };
}

describe('incident changes on a full disk', () => {
  it('an outage that began while the disk was full is recorded with its true start and first state change once there is room', async () => {
    const h = harness();
    await h.feed({});
    h.full.on = true;
    h.clock.advance(1000);
    const wentDown = await h.feed({ db: 'major_outage' });
    for (let i = 0; i < 6; i++) { h.clock.advance(2000); await h.feed({ db: 'major_outage' }); }
    h.clock.advance(1000);
    await h.feed({ db: 'major_outage', api: 'major_outage' });
    expect(await h.service.list()).toEqual([]);
    h.full.on = false;
    h.clock.advance(2000);
    await h.feed({ db: 'major_outage', api: 'major_outage' });

    const [inc] = await h.service.list();
    expect(await h.service.list()).toHaveLength(1);
    expect(inc!.startedAt).toBe(wentDown);
    const timeline = (await h.service.get(inc!.id))!.timeline.map((e) => [e.kind, e.component, e.to, e.at]);
    expect(timeline).toEqual([
      ['opened', 'db', 'major_outage', wentDown],
      ['state_change', 'db', 'major_outage', wentDown],
      ['state_change', 'api', 'major_outage', wentDown + 13_000],
    ]);
    expect(h.events.map((e) => e.change)).toEqual(['opened', 'updated']);
  });

  it('logs the failure once per minute, naming the disk, and once when recording works again', async () => {
    const h = harness();
    await h.feed({});
    h.full.on = true;
    for (let i = 0; i < 30; i++) { h.clock.advance(1000); await h.feed({ db: 'major_outage' }); }
    const failures = () => h.lines.filter((l) => l.event === 'incident_record_failed');
    expect(failures()).toHaveLength(1);
    expect(failures()[0]).toMatchObject({ level: 50, msg: expect.stringContaining('storage full: incident changes could not be saved (SQLITE_FULL)') });
    for (let i = 0; i < 31; i++) { h.clock.advance(1000); await h.feed({ db: 'major_outage' }); }
    expect(failures()).toHaveLength(2);
    expect(failures()[1]).toMatchObject({ failuresSinceLastLine: 60 });
    h.full.on = false;
    h.clock.advance(1000);
    await h.feed({ db: 'major_outage' });
    expect(h.lines.filter((l) => l.event === 'incident_record_recovered')).toHaveLength(1);
    expect(await h.service.list()).toHaveLength(1);
  });

  it('a manual write answers with the disk as the reason and writes nothing', async () => {
    const h = harness();
    h.full.on = true;
    await expect(h.service.createManual({ title: 't', components: ['db'], author: 'api' })).rejects
      .toThrowError(expect.objectContaining({ status: 507, message: 'storage full: the incident could not be saved (SQLITE_FULL)' }));
    expect(await h.service.list()).toEqual([]);
  });
});

describe('pending snapshots', () => {
  const snap = (seq: number) => snapshot(CHAIN, {}, { seq, at: seq });
  const change = (at: number) => ({ component: 'db', from: 'operational' as const, to: 'major_outage' as const, rootCauses: ['db'], at });

  it('a snapshot without changes is replaced by the next; beyond the bound the oldest folds its changes into the next', async () => {
    const q = pendingQueue(3, 4);
    q.push(snap(1), [change(1)]);
    q.push(snap(2), []);
    q.push(snap(3), []);
    expect(q.size).toBe(2);
    q.push(snap(4), [change(4), change(4)]);
    q.push(snap(5), [change(5), change(5)]);
    expect(q.size).toBe(3);
    expect(q.head()!.snapshot.seq).toBe(1);
    q.push(snap(6), [change(6)]);
    expect(q.size).toBe(3);
    expect(q.head()!.snapshot.seq).toBe(4);
    expect(q.head()!.changes.map((c) => c.at)).toEqual([1, 4, 4]);
  });
});
