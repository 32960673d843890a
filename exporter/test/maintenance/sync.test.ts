/*
 * A shared maintenance store (PostgreSQL in a cluster) re-read once per probe interval: two service
 * instances on one SQLite file stand in for two replicas on one database (the real-PostgreSQL run:
 * test/maintenance/postgres-sync.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ConflictError } from '../../src/errors.js';
import type { Config } from '../../src/config/types.js';
import { createMaintenance, type Maintenance } from '../../src/maintenance/service.js';
import { openMaintenanceStore } from '../../src/maintenance/sqlite/store.js';
import type { MaintenanceStore } from '../../src/maintenance/store.js';
import { config as baseConfig, type Topology } from '../incidents/fixtures.js';
import { tempDir } from '../incidents/support.js';

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
const MIN = 60_000;
const TOPO: Topology = { 'postgresql-primary': [], orders: ['postgresql-primary'] };
const cfg: Config = { ...baseConfig(TOPO), maintenance: { maxDurationMs: 4 * 60 * MIN, windows: [] } };
const INTERVAL = cfg.intervalMs;
/** Lets a background read (a rejected promise, then its catch) run to its end. */
const settle = () => new Promise((r) => setImmediate(r));

describe('maintenance windows on a shared store', () => {
  const dirs: { remove(): void }[] = [];
  const open: Maintenance[] = [];
  afterEach(async () => {
    for (const m of open.splice(0)) await m.close();
    for (const d of dirs.splice(0)) d.remove();
  });
  const dir = () => { const d = tempDir('sg-msync-'); dirs.push(d); return d.path; };

  /** A replica: its own service and store connection on `path`; reads counted; `fail` makes reads reject. */
  async function replica(path: string, clock: { t: number }, shared = true) {
    const inner = openMaintenanceStore({ dataDir: path });
    const state = { reads: 0, fail: false };
    const store: MaintenanceStore = {
      ...inner,
      windows: (since) => { state.reads++; return state.fail ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : inner.windows(since); },
      endings: (since) => (state.fail ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : inner.endings(since)),
    };
    const logs: { event?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as { event?: string }); } });
    let waiters: (() => void)[] = [];
    const m = await createMaintenance({ store, logger, now: () => clock.t, config: () => cfg, shared, onChange: () => {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    } });
    open.push(m);
    return { m, state, logs, nextChange: () => new Promise<void>((r) => waiters.push(r)) };
  }

  it('a window created on one replica is in force on the other within one interval, and a cancel likewise', async () => {
    const path = dir();
    const clock = { t: T0 };
    const a = await replica(path, clock);
    const b = await replica(path, clock);
    const w = await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    // Read at start; the next read is due one interval later, and only one then however often asked.
    expect(b.m.cover().size).toBe(0);
    expect(b.state.reads).toBe(1);
    clock.t += INTERVAL;
    const created = b.nextChange();
    for (let i = 0; i < 5; i++) b.m.cover();
    await created;
    expect(b.state.reads).toBe(2);
    expect(b.m.cover().get('orders')?.id).toBe(w.id);
    expect(b.m.list()).toEqual([expect.objectContaining({ id: w.id, status: 'active', author: 'alice' })]);

    clock.t += 5 * MIN;
    await a.m.cancel(w.id, 'bob');
    expect(a.m.cover().size).toBe(0);
    const cancelled = b.nextChange();
    b.m.cover();
    await cancelled;
    expect(b.m.cover().size).toBe(0);
    expect(b.m.list()).toEqual([expect.objectContaining({ id: w.id, status: 'cancelled' })]);
  });

  it('cancels on one replica a window just created on the other, before its next read', async () => {
    const path = dir();
    const clock = { t: T0 };
    const a = await replica(path, clock);
    const b = await replica(path, clock);
    const w = await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    expect(await b.m.cancel(w.id, 'bob')).toMatchObject({ id: w.id, status: 'cancelled' });
    expect(b.m.cover().size).toBe(0);
  });

  it('a cancel of a window the other replica cancelled since the last read is a conflict, and takes that cancel', async () => {
    const path = dir();
    const clock = { t: T0 };
    const a = await replica(path, clock);
    const b = await replica(path, clock);
    const w = await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    clock.t += INTERVAL;
    const seen = b.nextChange();
    b.m.cover();
    await seen;
    await a.m.cancel(w.id, 'bob');
    await expect(b.m.cancel(w.id, 'carol')).rejects.toBeInstanceOf(ConflictError);
    expect(b.m.cover().size).toBe(0);
    expect(b.m.list()).toEqual([expect.objectContaining({ id: w.id, status: 'cancelled' })]);
  });

  it('keeps the last windows known while the store cannot be read, and logs that once', async () => {
    const path = dir();
    const clock = { t: T0 };
    const a = await replica(path, clock);
    const w = await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    const b = await replica(path, clock);
    expect(b.m.cover().get('orders')?.id).toBe(w.id);
    b.state.fail = true;
    for (let i = 0; i < 3; i++) {
      clock.t += INTERVAL;
      b.m.cover();
      await settle();
    }
    expect(b.state.reads).toBe(4);
    expect(b.m.cover().get('orders')?.id).toBe(w.id);
    expect(b.logs.filter((l) => l.event === 'maintenance_read_failed')).toHaveLength(1);
    // Back: the cancel made meanwhile on the other replica lands, and recovery is logged.
    await a.m.cancel(w.id, 'bob');
    b.state.fail = false;
    clock.t += INTERVAL;
    const back = b.nextChange();
    b.m.cover();
    await back;
    expect(b.m.cover().size).toBe(0);
    expect(b.logs.filter((l) => l.event === 'maintenance_read_recovered')).toHaveLength(1);
  });

  it('does not re-read an unshared store (SQLite, one process)', async () => {
    const path = dir();
    const clock = { t: T0 };
    const a = await replica(path, clock, false);
    const b = await replica(path, clock, false);
    await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    clock.t += 10 * INTERVAL;
    b.m.cover();
    await settle();
    expect(b.state.reads).toBe(1);
    expect(b.m.cover().size).toBe(0);
  });
});
