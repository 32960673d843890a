import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { State } from '@statusgraph/core';
import { BadRequestError, ConflictError, NotFoundError } from '../../src/errors.js';
import type { Config } from '../../src/config/types.js';
import type { WindowConfig } from '../../src/config/windows.js';
import { createMaintenance, type Maintenance } from '../../src/maintenance/service.js';
import { openMaintenanceStore } from '../../src/maintenance/sqlite/store.js';
import { config as baseConfig, snapshot, type Topology } from '../incidents/fixtures.js';
import { tempDir } from '../incidents/support.js';

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
const MIN = 60_000;
const TOPO: Topology = { 'postgresql-primary': [], 'redis-cache': [], orders: ['postgresql-primary', 'redis-cache'] };

const nightly: WindowConfig = {
  id: 'nightly', title: 'Nightly vacuum', components: ['redis-cache'],
  schedule: { kind: 'cron', cron: '0 3 * * *', durationMs: 30 * MIN, timezone: 'UTC' },
};

describe('maintenance service', () => {
  const dirs: { remove(): void }[] = [];
  const open: Maintenance[] = [];
  afterEach(async () => {
    for (const m of open.splice(0)) await m.close();
    for (const d of dirs.splice(0)) d.remove();
  });

  async function start(opts: { dir?: string; windows?: WindowConfig[]; clock?: { t: number } } = {}) {
    const dir = opts.dir ?? (() => { const d = tempDir('sg-maint-'); dirs.push(d); return d.path; })();
    const clock = opts.clock ?? { t: T0 };
    const changes: number[] = [];
    let waiters: (() => void)[] = [];
    /** Resolves at the next change of the cover (an early end is written, then announced). */
    const nextChange = () => new Promise<void>((r) => waiters.push(r));
    const cfg: Config = { ...baseConfig(TOPO), maintenance: { maxDurationMs: 4 * 60 * MIN, windows: opts.windows ?? [] } };
    const store = openMaintenanceStore({ dataDir: dir });
    const m = await createMaintenance({ store, logger: pino({ level: 'silent' }), now: () => clock.t, config: () => cfg, onChange: () => {
      changes.push(clock.t);
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    } });
    open.push(m);
    return { m, dir, clock, changes, store, nextChange };
  }
  const stop = async (m: Maintenance) => { open.splice(open.indexOf(m), 1); await m.close(); };

  it('an ad hoc "start now for 30 m" covers its components at once, survives a restart and ends on time', async () => {
    const a = await start();
    const w = await a.m.create({ components: ['postgresql-primary'], duration: 30 * MIN }, 'alice');
    expect(w).toMatchObject({ source: 'adhoc', status: 'active', components: ['postgresql-primary'], startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 30 * MIN).toISOString(), author: 'alice' });
    expect(w.id).toMatch(/^mw-[0-9a-f]{12}$/);
    expect(a.changes).toEqual([T0]);
    expect([...a.m.cover()]).toEqual([['postgresql-primary', { id: w.id, title: 'Maintenance: postgresql-primary', startMs: T0, endMs: T0 + 30 * MIN }]]);
    await stop(a.m);
    const b = await start({ dir: a.dir, clock: { t: T0 + 10 * MIN } });
    expect(b.m.cover().get('postgresql-primary')?.id).toBe(w.id);
    b.clock.t = T0 + 30 * MIN;
    expect(b.m.cover().size).toBe(0);
    expect(b.m.list()).toEqual([expect.objectContaining({ id: w.id, status: 'ended', endedAt: null })]);
  });

  it('answers bad input with a 400 naming it, and writes nothing', async () => {
    const a = await start({ windows: [nightly] });
    const bad = async (body: Parameters<Maintenance['create']>[0], message: string) => {
      const err = await a.m.create(body, 'alice').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as Error).message).toEqual(message);
    };
    await bad({ components: ['nope', 'orders'], duration: 30 * MIN }, 'components: unknown component nope');
    await bad({ components: ['orders'], start: T0 + 60 * MIN, end: T0 + 30 * MIN }, 'end: is before (or at) start');
    await bad({ components: ['orders'], duration: 5 * 60 * MIN }, 'duration: lasts 300 minutes, longer than maintenance.max_duration (240 minutes)');
    await bad({ components: ['orders'] }, 'duration: give a duration ("30m") or an end');
    await bad({ components: ['redis-cache', 'orders'], start: T0 + 50 * MIN, duration: 30 * MIN }, 'overlaps maintenance window nightly ("Nightly vacuum") on redis-cache at 2026-11-30T03:00:00.000Z');
    await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    await bad({ components: ['orders'], start: T0 + 29 * MIN, duration: 10 * MIN }, expect.stringMatching(/^overlaps maintenance window mw-[0-9a-f]+ \("Maintenance: orders"\) on orders at 2026-11-30T02:00:00.000Z$/) as unknown as string);
    expect((await a.store.windows(0)).map((w) => w.components)).toEqual([['orders']]);
  });

  it('cancels an ad hoc window durably; a second cancel is a conflict, a config window cannot be, an unknown id is 404', async () => {
    const a = await start({ windows: [nightly] });
    const w = await a.m.create({ components: ['orders'], duration: 30 * MIN }, 'alice');
    a.clock.t = T0 + 5 * MIN;
    expect(await a.m.cancel(w.id, 'bob')).toMatchObject({ status: 'cancelled', endedAt: new Date(T0 + 5 * MIN).toISOString() });
    expect(a.m.cover().size).toBe(0);
    await expect(a.m.cancel(w.id, 'bob')).rejects.toBeInstanceOf(ConflictError);
    await expect(a.m.cancel('nightly', 'bob')).rejects.toBeInstanceOf(ConflictError);
    await expect(a.m.cancel('mw-nope', 'bob')).rejects.toBeInstanceOf(NotFoundError);
    await stop(a.m);
    const b = await start({ dir: a.dir, clock: { t: T0 + 6 * MIN } });
    expect(b.m.cover().size).toBe(0);
    // The window's slot is free again once cancelled.
    await b.m.create({ components: ['orders'], duration: 10 * MIN }, 'alice');
  });

  it('follows a recurring config window and lists its next occurrences as upcoming', async () => {
    const a = await start({ windows: [nightly] });
    expect(a.m.cover().size).toBe(0);
    expect(a.m.upcoming(2 * 86_400_000).map((v) => [v.id, v.startsAt, v.status])).toEqual([
      ['nightly', '2026-11-30T03:00:00.000Z', 'upcoming'], ['nightly', '2026-12-01T03:00:00.000Z', 'upcoming'],
    ]);
    a.clock.t = T0 + 65 * MIN;
    expect(a.m.cover().get('redis-cache')).toEqual({ id: 'nightly', title: 'Nightly vacuum', startMs: T0 + 60 * MIN, endMs: T0 + 90 * MIN });
  });

  it('ends a window early once every component has been healthy for recover_after rounds after the work, durably', async () => {
    const a = await start();
    const w = await a.m.create({ components: ['postgresql-primary', 'orders'], duration: 60 * MIN, recover_after: 3 }, 'alice');
    const round = (states: Record<string, State>, rounds: number) => {
      a.clock.t += 30_000;
      a.m.onSnapshot(snapshot(TOPO, states, { at: a.clock.t, rounds: { 'postgresql-primary': rounds, orders: rounds }, windows: ['postgresql-primary', 'orders'] }));
    };
    // Healthy before the work starts: the window is not ended (nothing was done yet).
    for (let r = 1; r <= 5; r++) round({}, r);
    round({ 'postgresql-primary': 'major_outage', orders: 'major_outage' }, 6);
    round({}, 7);
    round({}, 8);
    expect(a.m.cover().size).toBe(2);
    const ended = a.nextChange();
    round({}, 9);
    await ended;
    expect(a.m.cover().size).toBe(0);
    await stop(a.m);
    const b = await start({ dir: a.dir, clock: { t: a.clock.t } });
    expect(b.m.cover().size).toBe(0);
    expect(b.m.list()).toEqual([expect.objectContaining({ id: w.id, status: 'ended', endedAt: new Date(T0 + 9 * 30_000).toISOString() })]);
  });
});
