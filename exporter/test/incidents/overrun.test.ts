/*
 * A maintenance window that overruns (issue 19): the real engine (fake clock, fake probes) feeding
 * the incident rules (decide) snapshot by snapshot, as the service does, without servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS, type State } from '@statusgraph/core';
import { Monitor } from '../../src/engine/monitor.js';
import type { Snapshot, WindowRef } from '../../src/engine/snapshot.js';
import { decide } from '../../src/incidents/decide.js';
import type { Action, Incident } from '../../src/incidents/types.js';
import { componentFamilies } from '../../src/metrics/families.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import { windowRig } from '../engine/window-rig.js';

const EPOCH = Date.UTC(2026, 10, 30, 2, 0, 0);
// Interval 10 s (engineConfig); the window ends 60 s in.
const END = 60_000;
const WINDOW: WindowRef = { id: 'pg-upgrade', title: 'PostgreSQL upgrade', startMs: EPOCH, endMs: EPOCH + END };
const PLANNED = componentFamilies([]).find((f) => f.name === METRICS.componentPlannedOutage)!;

describe('a maintenance window that overruns (issue 19)', () => {
  const http = new HttpDispatchers();
  let m: Monitor | undefined;
  afterEach(async () => { await m?.stop(); });

  function rig() {
    const { clock, world, cover, m: monitor } = windowRig(WINDOW, EPOCH, http);
    m = monitor;
    // The incident service's loop, minus the store: open incidents are what decide opened.
    const open: Incident[] = [];
    const actions: Action[] = [];
    let previous: ReadonlyMap<string, State> = new Map();
    m.onSnapshot((snapshot, changes) => {
      const r = decide({ open, snapshot, changes, previous });
      previous = r.states;
      for (const a of r.actions) {
        if (a.type === 'entry') continue;
        actions.push(a);
        if (a.type === 'open') open.push({ id: open.length + 1, title: a.title, source: 'auto', rootCause: a.rootCause, severity: a.severity, status: 'investigating', components: a.components, blastRadius: a.blastRadius, tookDown: a.tookDown, startedAt: a.at, resolvedAt: null, updatedAt: a.at });
        if (a.type === 'join') {
          const i = open.findIndex((x) => ('id' in a.ref ? x.id === a.ref.id : x.rootCause === a.ref.root));
          open[i] = { ...open[i]!, tookDown: [...open[i]!.tookDown, a.component].sort() };
        }
      }
    });
    m.start();
    const at = (name: string) => m!.snapshot().byName.get(name)!;
    const rounds = (name: string) => at(name).counts.rounds;
    /** Advances 1 s at a time until `name` completed another round and its snapshot is out. */
    const nextRound = async (name: string) => {
      const n = rounds(name);
      while (rounds(name) === n) await clock.advance(1_000);
      await clock.advance(1_000);
    };
    /** The window ends on time: the cover no longer names db from END on. */
    const endWindow = async () => {
      await clock.advance(END - clock.now());
      cover.clear();
      // Released by the next snapshot, which the fake clock's publish window brings.
      const published = m!.coverChanged();
      await clock.advance(600);
      await published;
    };
    const fail = (...names: string[]) => { for (const n of names) world.set(n, { up: false }); };
    return { clock, world, at, nextRound, endWindow, fail, actions, open, snap: (): Snapshot => m!.snapshot() };
  }

  it('opens nothing when the window ends while everything is healthy', async () => {
    const r = rig();
    await r.clock.advance(20_000);
    await r.endWindow();
    await r.clock.advance(30_000);
    expect(r.at('db')).toMatchObject({ state: 'operational', planned: false });
    expect(r.actions).toEqual([]);
  });

  it('opens nothing when db is still down as the window ends but recovers within the grace (its next round passes)', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    r.fail('db', 'orders', 'payments');
    await r.clock.advance(30_000);
    expect(r.at('payments')).toMatchObject({ state: 'major_outage', planned: true });
    await r.endWindow();
    // Its last round predates the end: db and what it took down stay planned until db's next round.
    expect(r.at('db')).toMatchObject({ state: 'major_outage', planned: true });
    expect(r.at('db').window).toBeUndefined();
    expect(r.at('orders')).toMatchObject({ planned: true, plannedRootCauses: ['db'] });
    for (const n of ['db', 'orders', 'payments']) r.world.set(n, { up: true });
    await r.nextRound('db');
    // Probes pass, recover_after (2) still shows db down: the tail is planned too.
    expect(r.at('db')).toMatchObject({ state: 'major_outage', planned: true });
    await r.clock.advance(30_000);
    for (const n of ['db', 'orders', 'payments']) expect(r.at(n)).toMatchObject({ state: 'operational', planned: false });
    expect(r.actions).toEqual([]);
  });

  it('turns an overrun into a normal outage after db\'s first failing round past the end: one incident for db, its dependents join it', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    r.fail('db', 'orders', 'payments');
    await r.clock.advance(30_000);
    await r.endWindow();
    expect(r.at('db')).toMatchObject({ state: 'major_outage', planned: true });
    expect(PLANNED.samples(r.at('db'))).toContain('component="db"');
    expect(r.actions).toEqual([]);
    await r.nextRound('db');
    await r.clock.advance(10_000);
    for (const n of ['db', 'orders', 'payments']) {
      expect(r.at(n)).toMatchObject({ state: 'major_outage', planned: false, plannedRootCauses: [] });
      expect(PLANNED.samples(r.at(n))).toBe('');
    }
    const opened = r.actions.filter((a) => a.type === 'open');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ rootCause: 'db', severity: 'critical', blastRadius: ['orders', 'payments'] });
    expect(r.open[0]!.tookDown).toEqual(['db', 'orders', 'payments']);
    // Many more rounds of the same outage: still the one incident.
    await r.clock.advance(60_000);
    expect(r.actions.filter((a) => a.type === 'open')).toHaveLength(1);
    // db opened it; orders and payments joined it once each.
    expect(opened[0]).toMatchObject({ tookDown: ['db'] });
    expect(r.actions.filter((a) => a.type === 'join').map((a) => (a as { component: string }).component).sort()).toEqual(['orders', 'payments']);
  });
  it('a dependent still failing a full round after its planned root cause recovered is an outage of its own', async () => {
    const r = rig();
    await r.clock.advance(2_000);
    r.fail('db', 'payments');
    await r.clock.advance(30_000);
    expect(r.at('payments')).toMatchObject({ state: 'major_outage', planned: true });
    // The work on db is done inside its window; payments does not come back with it.
    r.world.set('db', { up: true });
    while (r.at('db').state !== 'operational') await r.clock.advance(1_000);
    expect(r.actions).toEqual([]);
    await r.nextRound('payments');
    await r.clock.advance(10_000);
    expect(r.at('payments')).toMatchObject({ state: 'major_outage', planned: false, rootCauses: [] });
    expect(r.actions.filter((a) => a.type === 'open').map((a) => (a as { rootCause: string }).rootCause)).toEqual(['payments']);
  });
});
