import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../src/incidents/events.js';
import { createIncidentService } from '../../src/incidents/service.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import { incidentSummary } from '../../src/incidents/summary.js';
import type { Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';
import { tempDir } from './support.js';
import { CHAIN, changesBetween, config, manualClock, silentLogger, snapshot } from './fixtures.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function harness(dataDir: string, clock = manualClock()) {
  const store = openIncidentStore({ dataDir, sinks: ['grafana'] });
  const events: IncidentEvent[] = [];
  let kicks = 0;
  const service = createIncidentService({
    store, logger: silentLogger, now: clock.now, config: () => config(CHAIN),
    publish: (e) => events.push(e), onChange: () => { kicks++; },
  });
  let before: Snapshot | undefined;
  let seq = 0;
  const feed = async (states: Record<string, State>) => {
    const snap = snapshot(CHAIN, states, { seq: ++seq, at: clock.now() });
    await service.onSnapshot(snap, changesBetween(before, snap));
    before = snap;
  };
  await service.refresh();
  return { store, service, events, feed, clock, kicks: () => kicks };
}

describe('incident service', () => {
  it('runs the whole automatic life cycle and announces each change', async () => {
    const dir = tempDir('sg-svc-');
    const h = await harness(dir.path);
    cleanups.push(async () => { await h.store.close(); dir.remove(); });
    await h.feed({});
    await h.feed({ db: 'major_outage' });
    h.clock.advance(1000);
    await h.feed({ db: 'major_outage', api: 'major_outage', web: 'major_outage' });
    expect(h.service.openCount()).toBe(1);
    h.clock.advance(1000);
    await h.feed({ api: 'major_outage', web: 'major_outage' });
    h.clock.advance(1000);
    await h.feed({});
    const [inc] = await h.service.list();
    expect(await h.service.list()).toHaveLength(1);
    expect(inc).toMatchObject({ rootCause: 'db', status: 'resolved', blastRadius: ['api', 'web'], tookDown: ['api', 'db', 'web'] });
    expect(inc!.resolvedAt! - inc!.startedAt).toBe(3000);
    expect(h.events.map((e) => e.change)).toEqual(['opened', 'updated', 'updated', 'resolved']);
    expect(h.kicks()).toBe(4);
    const timeline = (await h.service.get(inc!.id))!.timeline.map((e) => `${e.kind}:${e.component ?? ''}:${e.to ?? ''}`);
    expect(timeline).toEqual([
      'opened:db:major_outage', 'state_change:db:major_outage',
      'state_change:api:major_outage', 'state_change:web:major_outage',
      'state_change:db:operational',
      'state_change:api:operational', 'state_change:web:operational',
      'resolved::',
    ]);
  });

  it('after a restart continues the same incident and still resolves it', async () => {
    const dir = tempDir('sg-svc-');
    cleanups.push(() => dir.remove());
    const clock = manualClock();
    const first = await harness(dir.path, clock);
    await first.feed({});
    await first.feed({ db: 'major_outage', api: 'major_outage' });
    const id = (await first.service.list())[0]!.id;
    await first.store.close();

    clock.advance(10_000);
    const second = await harness(dir.path, clock);
    cleanups.push(() => second.store.close());
    expect(second.service.openCount()).toBe(1);
    // A fresh process sees everything as "entering" its state again.
    await second.feed({ db: 'major_outage', api: 'major_outage' });
    expect((await second.service.list()).map((i) => i.id)).toEqual([id]);
    clock.advance(5000);
    await second.feed({});
    const inc = (await second.service.get(id))!;
    expect(inc.status).toBe('resolved');
    expect(inc.resolvedAt! - inc.startedAt).toBe(15_000);
    expect(await second.service.list()).toHaveLength(1);
  });

  it('validates manual incidents against the configured components and computes their blast radius', async () => {
    const dir = tempDir('sg-svc-');
    const h = await harness(dir.path);
    cleanups.push(async () => { await h.store.close(); dir.remove(); });
    await expect(h.service.createManual({ title: 'x', components: ['api', 'nope'], author: 'api' })).rejects.toThrow('components.1: unknown component "nope"');
    expect(await h.service.list()).toEqual([]);
    const inc = await h.service.createManual({ title: 'Slow API', components: ['api'], author: '@carol', text: 'p99 up' });
    expect(inc).toMatchObject({ source: 'manual', rootCause: null, severity: 'major', components: ['api', 'web'], blastRadius: ['web'] });
    // Manual incidents collect state changes of their components too, but never resolve by themselves.
    await h.feed({});
    await h.feed({ api: 'degraded' });
    await h.feed({});
    const after = (await h.service.get(inc.id))!;
    expect(after.status).toBe('investigating');
    expect(after.timeline.map((e) => e.kind)).toEqual(['opened', 'state_change', 'state_change']);
  });

  it('writes a summary with every timeline entry in order, with authors', async () => {
    const dir = tempDir('sg-svc-');
    const h = await harness(dir.path);
    cleanups.push(async () => { await h.store.close(); dir.remove(); });
    await h.feed({});
    await h.feed({ db: 'major_outage' });
    const id = (await h.service.list())[0]!.id;
    h.clock.advance(30_000);
    await h.service.addUpdate(id, { text: 'Failover started | see #ops', status: 'identified', author: '@dave' });
    h.clock.advance(30_000);
    await h.service.addUpdate(id, { text: 'Replica promoted', status: 'monitoring', author: 'api' });
    h.clock.advance(60_000);
    await h.feed({});
    const inc = (await h.service.get(id))!;
    const md = incidentSummary(inc, h.clock.now());
    expect(md).toMatch(/^# INC-1: db: Major outage/);
    expect(md).toContain('**Root cause:** db');
    expect(md).toContain('**Blast radius:** api, web');
    expect(md).toContain(`**Start:** ${new Date(inc.startedAt).toISOString()}`);
    expect(md).toContain(`**End:** ${new Date(inc.resolvedAt!).toISOString()}`);
    expect(md).toContain('**Duration:** 2m');
    let from = md.indexOf('## Timeline');
    for (const e of inc.timeline) {
      const line = `\`${new Date(e.at).toISOString()}\` **${e.author}**`;
      const at = md.indexOf(line, from + 1);
      expect(at, `timeline entry "${e.text}" missing or out of order`).toBeGreaterThan(from);
      const mdLine = md.slice(at, md.indexOf('\n', at)).replace(/\\(.)/g, '$1');
      expect(mdLine).toContain(e.text);
      from = at;
    }
    expect(inc.timeline).toHaveLength(6);
    expect(md).toContain('**@dave** [identified]: Failover started \\| see #ops');
  });

  it('while the store hangs, snapshots wait behind one drain, and all are recorded in order once it answers', async () => {
    const dir = tempDir('sg-svc-');
    const clock = manualClock();
    const real = openIncidentStore({ dataDir: dir.path, sinks: [] });
    cleanups.push(async () => { await real.close(); dir.remove(); });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let reads = 0;
    // The store's reads hang (a frozen server) until the gate opens.
    const store = new Proxy(real, {
      get(target, key) {
        const v = Reflect.get(target, key) as unknown;
        if (key !== 'openIncidents') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        return async () => { reads++; await gate; return target.openIncidents(); };
      },
    });
    const service = createIncidentService({ store, logger: silentLogger, now: clock.now, config: () => config(CHAIN), publish: () => {}, onChange: () => {} });
    let before: Snapshot | undefined;
    let wentDown = 0;
    const settled: Array<Promise<void>> = [];
    for (let seq = 1; seq <= 40; seq++) {
      clock.advance(1000);
      if (seq === 3) wentDown = clock.now();
      const snap = snapshot(CHAIN, seq >= 3 ? { db: 'major_outage' } : {}, { seq, at: clock.now() });
      settled.push(service.onSnapshot(snap, changesBetween(before, snap)));
      before = snap;
    }
    await new Promise((r) => setImmediate(r)); // the first drain starts and gets stuck in its read
    expect(reads).toBe(1);
    // Every later snapshot waits behind one queued drain, not one drain each.
    expect(new Set(settled.slice(1)).size).toBe(1);
    release();
    await Promise.all(settled);
    const [inc] = await service.list();
    // The outage opened at the snapshot that saw it, not when the store answered.
    expect(inc).toMatchObject({ rootCause: 'db', startedAt: wentDown });
  });
  it('forgets the snapshots it could not record when told to (a replica that lost the lease)', async () => {
    const dir = tempDir('sg-svc-');
    const clock = manualClock();
    const real = openIncidentStore({ dataDir: dir.path, sinks: [] });
    cleanups.push(async () => { await real.close(); dir.remove(); });
    let down = true;
    // The store refuses writes (the database away, or the fence) until `down` is false.
    const store = new Proxy(real, {
      get(target, key) {
        const v = Reflect.get(target, key) as unknown;
        if (key === 'apply') return async (...a: Parameters<typeof real.apply>) => { if (down) throw new Error('database unreachable'); return target.apply(...a); };
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const service = createIncidentService({ store, logger: silentLogger, now: clock.now, config: () => config(CHAIN), publish: () => {}, onChange: () => {} });
    const up = snapshot(CHAIN, {}, { seq: 1, at: clock.now() });
    await service.onSnapshot(up, []);
    clock.advance(1000);
    const failing = snapshot(CHAIN, { db: 'major_outage' }, { seq: 2, at: clock.now() });
    await service.onSnapshot(failing, changesBetween(up, failing));
    expect(await service.list()).toEqual([]);
    service.forgetPending();
    down = false;
    clock.advance(1000);
    const healed = snapshot(CHAIN, {}, { seq: 3, at: clock.now() });
    await service.onSnapshot(healed, changesBetween(failing, healed));
    // Kept, the outage snapshot would have been applied first and opened (then resolved) an incident.
    expect(await service.list()).toEqual([]);
  });
});
