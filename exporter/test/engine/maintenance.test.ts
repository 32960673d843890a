import { afterEach, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.js';
import type { WindowRef } from '../../src/engine/snapshot.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import { windowRig } from './window-rig.js';

const EPOCH = Date.UTC(2026, 10, 30, 2, 0, 0);
const WINDOW: WindowRef = { id: 'pg-upgrade', title: 'PostgreSQL upgrade', startMs: EPOCH, endMs: EPOCH + 3_600_000 };

describe('engine: maintenance windows (issue 19)', () => {
  const http = new HttpDispatchers();
  let m: Monitor | undefined;
  afterEach(async () => { await m?.stop(); });

  function rig() {
    const { clock, world, cover, m: monitor } = windowRig(WINDOW, EPOCH, http);
    m = monitor;
    m.start();
    return { clock, world, cover, m, at: (name: string) => m!.snapshot().byName.get(name)! };
  }

  it('shows the component in its window under maintenance with its own probes, and its dependents impacted by a planned root cause', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    expect(r.at('db')).toMatchObject({ window: WINDOW, state: 'operational', planned: false });
    r.world.set('db', { up: false });
    r.world.set('orders', { up: false });
    r.world.set('payments', { up: false });
    await r.clock.advance(20_000);
    expect(r.at('db')).toMatchObject({ window: WINDOW, state: 'major_outage', planned: true, reason: 'refused' });
    expect(r.at('db').probes[0]).toMatchObject({ success: false, reason: 'refused' });
    for (const n of ['orders', 'payments']) expect(r.at(n)).toMatchObject({ state: 'major_outage', rootCauses: ['db'], plannedRootCauses: ['db'], planned: true });
    expect(r.at('orders').window).toBeUndefined();
  });

  it('keeps an outage with an unplanned root cause a normal one, and counts SLO rounds as planned only for planned work', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    // db first: a dependent failing before its dependency is probed is charged to itself (the
    // documented skew of attribution), which is not what this test is about.
    r.world.set('db', { up: false });
    while (r.at('db').state !== 'major_outage') await r.clock.advance(1_000);
    r.world.set('payments', { up: false });
    await r.clock.advance(30_000);
    r.world.set('cache', { up: false });
    r.world.set('orders', { up: false });
    await r.clock.advance(30_000);
    expect(r.at('cache')).toMatchObject({ state: 'major_outage', planned: false });
    expect(r.at('orders')).toMatchObject({ rootCauses: ['cache', 'db'], plannedRootCauses: ['db'], planned: false });
    const db = r.at('db').counts;
    expect(db.planned).toBeGreaterThan(0);
    expect(db.own).toBe(0);
    expect(r.at('payments').counts).toMatchObject({ own: 0, planned: r.at('payments').counts.rounds - r.at('payments').counts.available });
    expect(r.at('cache').counts.planned).toBe(0);
    expect(r.at('cache').counts.own).toBeGreaterThan(0);
    // orders: planned while db alone took it down, then upstream (split between cache and db) once cache failed too.
    expect(r.at('orders').counts.byRoot.get('cache')?.rounds).toBeGreaterThan(0);
  });

  it('stays planned while it only waits for recover_after after the window ended, then is operational', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    r.world.set('db', { up: false });
    await r.clock.advance(20_000);
    expect(r.at('db')).toMatchObject({ state: 'major_outage', planned: true });
    // The work is done just before the window ends: db's probes pass, recover_after (2) still shows it down.
    r.world.set('db', { up: true });
    const rounds = r.at('db').counts.rounds;
    while (r.at('db').counts.rounds === rounds) await r.clock.advance(1_000);
    r.cover.clear();
    m!.coverChanged();
    await r.clock.advance(600);
    expect(r.at('db')).toMatchObject({ state: 'major_outage', planned: true });
    expect(r.at('db').window).toBeUndefined();
    await r.clock.advance(10_000);
    expect(r.at('db')).toMatchObject({ state: 'operational', planned: false });
    expect(r.at('db').counts.own).toBe(0);
  });

  it('a failure after the window is a normal outage again', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    r.cover.clear();
    m!.coverChanged();
    r.world.set('db', { up: false });
    await r.clock.advance(20_000);
    expect(r.at('db')).toMatchObject({ state: 'major_outage', planned: false });
    expect(r.at('db').counts.planned).toBe(0);
  });
});
