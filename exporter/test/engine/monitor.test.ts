import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { Monitor, type CarriedState } from '../../src/engine/monitor.js';
import type { Snapshot, StateChange } from '../../src/engine/snapshot.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import type { ProbeKind } from '../../src/probes/types.js';
import { engineConfig, FakeClock, FakeWorld, recordingLogger, type ComponentSpec } from './fakes.js';

const EPOCH = Date.UTC(2026, 0, 1);

/** A whole engine on one fake clock; epoch time stamps follow the same clock. */
class Rig {
  readonly clock = new FakeClock();
  readonly world = new FakeWorld(this.clock);
  readonly log = recordingLogger();
  readonly published: { snapshot: Snapshot; changes: readonly StateChange[] }[] = [];
  private readonly monitors: Monitor[] = [];
  private readonly http = new HttpDispatchers();

  now = () => EPOCH + this.clock.now();

  monitor(config: Config, carried?: CarriedState, kinds: ReadonlyMap<string, ProbeKind<any>> = new Map([['fake', this.world.kind()]])): Monitor {
    const m = new Monitor({
      config, kinds, logger: this.log.logger, now: this.now,
      http: this.http, clock: this.clock, ...(carried ? { carried } : {}),
    });
    m.onSnapshot((snapshot, changes) => this.published.push({ snapshot, changes }));
    this.monitors.push(m);
    return m;
  }

  async stop(): Promise<void> {
    for (const m of this.monitors) await m.stop();
    await this.http.close();
  }
}

let rig: Rig;
afterEach(async () => { await rig?.stop(); });

const status = (m: Monitor, name: string) => m.snapshot().byName.get(name);

describe('monitor on a fake clock', () => {
  it('is ready once a published snapshot holds a result for every component', async () => {
    rig = new Rig();
    const m = rig.monitor(engineConfig([{ name: 'a' }, { name: 'b' }, { name: 'c' }]));
    m.start();
    expect(m.ready()).toBe(false);
    await rig.clock.advance(500);
    expect(m.ready()).toBe(false);
    // The ramp probes all three within one second; the first complete cycle is published promptly.
    await rig.clock.advance(1_000);
    expect(m.ready()).toBe(true);
    expect(m.snapshot().components.every((c) => c.checked)).toBe(true);
    expect(m.snapshot().cyclesCompleted).toBeGreaterThanOrEqual(1);
  });

  it('probes the dependencies of a component that starts failing at once, so its first transition names the real root cause', async () => {
    rig = new Rig();
    // api's turn (offset 0 s) comes before db's (offset 5 s) in every cycle.
    const m = rig.monitor(engineConfig([{ name: 'api', dependsOn: ['db'] }, { name: 'db' }]));
    m.start();
    await rig.clock.advance(9_000);
    rig.world.set('api', { up: false });
    rig.world.set('db', { up: false });
    await rig.clock.advance(2_000);
    // db was probed out of turn right after api's failing round, long before its own turn at 15 s.
    expect(rig.world.startsOf('db').filter((t) => t > 10_000 && t < 15_000)).toEqual([10_010]);
    const changes = rig.published.flatMap((p) => p.changes);
    expect(changes.find((c) => c.component === 'api')).toMatchObject({ to: 'major_outage', rootCauses: ['db'] });
    expect(rig.log.lines.find((l) => l.event === 'state_change' && l.component === 'api')).toMatchObject({ root_cause: 'db' });
    expect(status(m, 'api')).toMatchObject({ impacted: true, rootCauses: ['db'] });
    // Its own turn still comes as planned.
    await rig.clock.advance(5_000);
    expect(rig.world.startsOf('db')).toContain(15_000);
  });

  it('carries state over a reload: same name keeps hysteresis, since and baseline; new starts fresh; removed is gone', async () => {
    rig = new Rig();
    const specs: ComponentSpec[] = [{ name: 'down' }, { name: 'pending', failAfter: 3 }, { name: 'removed' }];
    const a = rig.monitor(engineConfig(specs));
    a.start();
    // Six cycles up: five successes learn a baseline.
    await rig.clock.advance(60_000);
    rig.world.set('down', { up: false });
    rig.world.set('pending', { up: false });
    await rig.clock.advance(20_000);
    const before = { down: status(a, 'down')!, pending: status(a, 'pending')! };
    expect(before.down).toMatchObject({ state: 'major_outage', reason: 'refused', stateChanges: 1 });
    // Two failing rounds of the three fail_after needs.
    expect(before.pending).toMatchObject({ state: 'operational', stateChanges: 0 });
    const carried = a.carry();
    const lastSeq = a.snapshot().seq;
    await a.stop();
    await rig.clock.advance(3_333);

    const b = rig.monitor(engineConfig([{ name: 'down' }, { name: 'pending', failAfter: 3 }, { name: 'new' }]), carried);
    const reloadedAt = rig.now();
    expect(b.ready()).toBe(true);
    const s = b.snapshot();
    expect(s.seq).toBe(lastSeq + 1);
    expect(s.byName.has('removed')).toBe(false);
    expect(s.byName.get('down')).toMatchObject({ state: 'major_outage', since: before.down.since, reason: 'refused', stateChanges: 1, checked: true });
    expect(s.byName.get('down')!.probes).toEqual(before.down.probes);
    expect(s.byName.get('new')).toMatchObject({ state: 'operational', since: reloadedAt, stateChanges: 0, checked: false, probes: [] });

    b.start();
    await rig.clock.advance(1_000);
    // The third failing round in a row, counted across the reload, takes pending down.
    expect(status(b, 'pending')).toMatchObject({ state: 'major_outage', stateChanges: 1 });
    // The learned baseline came along (10 ms samples, floored at 25 ms); a new probe has none yet.
    expect(status(b, 'down')!.probes[0]!.baselineSeconds).toBeCloseTo(0.025, 6);
    expect(status(b, 'new')!.probes[0]!.baselineSeconds).toBeUndefined();
    expect(status(b, 'down')!.since).toBe(before.down.since);
  });

  it('shows one slow sample on a busy machine as nothing, and sustained slowness as degraded after degrade_after rounds', async () => {
    rig = new Rig();
    // Interval 10 s; each component's turn at 0 s (api) of every cycle.
    const m = rig.monitor(engineConfig([{ name: 'api', degradeAfter: 3 }]));
    m.start();
    // Seven rounds at 10 ms learn the baseline (floored at 25 ms): over 50 ms is slow. Reading at
    // half a second past each turn, when that turn's round has finished.
    await rig.clock.advance(60_500);
    rig.world.set('api', { latencyMs: 262 });
    await rig.clock.advance(10_000);
    rig.world.set('api', { latencyMs: 10 });
    await rig.clock.advance(10_000);
    // Two slow rounds in a row, one short of degrade_after: still nothing.
    rig.world.set('api', { latencyMs: 262 });
    await rig.clock.advance(20_000);
    expect(status(m, 'api')).toMatchObject({ state: 'operational', stateChanges: 0 });
    expect(rig.published.flatMap((p) => p.changes)).toEqual([]);
    // The third in a row is sustained evidence.
    await rig.clock.advance(10_000);
    expect(status(m, 'api')).toMatchObject({ state: 'degraded', reason: 'latency 262ms over 2x baseline 25ms', stateChanges: 1 });
    expect(rig.published.flatMap((p) => p.changes)).toMatchObject([{ component: 'api', from: 'operational', to: 'degraded' }]);
  });

  it('counts slow rounds in a row across a reload', async () => {
    rig = new Rig();
    const a = rig.monitor(engineConfig([{ name: 'api', degradeAfter: 3 }]));
    a.start();
    await rig.clock.advance(60_500);
    rig.world.set('api', { latencyMs: 262 });
    // Two slow rounds (70 s, 80 s) of the three.
    await rig.clock.advance(20_000);
    expect(status(a, 'api')!.state).toBe('operational');
    const carried = a.carry();
    await a.stop();
    const b = rig.monitor(engineConfig([{ name: 'api', degradeAfter: 3 }]), carried);
    b.start();
    // The reloaded monitor's first round is the third slow one in a row.
    await rig.clock.advance(1_000);
    expect(status(b, 'api')).toMatchObject({ state: 'degraded', stateChanges: 1 });
  });

  it("loads a kind's client library before the probe's deadline starts, and only for kinds that are configured", async () => {
    rig = new Rig();
    const clock = rig.clock;
    // A library whose load takes 8 s (a cold start on a busy machine), longer than the 5 s deadline.
    let loaded: Promise<void> | undefined;
    let loads = 0;
    const load = () => (loaded ??= new Promise<void>((resolve) => { loads++; clock.setTimeout(resolve, 8_000); }));
    const fake = rig.world.kind();
    const slowLoading: ProbeKind<any> = {
      ...fake,
      load,
      // Like the datastore probes, the runner imports the library itself too (the module cache once loaded).
      create: (config, ctx) => {
        const inner = fake.create(config, ctx);
        return { run: async (signal) => { await load(); return inner.run(signal); }, close: () => inner.close() };
      },
    };
    let unusedLoads = 0;
    const unused: ProbeKind<any> = { ...fake, kind: 'unused', load: async () => { unusedLoads++; } };
    const m = rig.monitor(engineConfig([{ name: 'db', timeoutMs: 5_000 }, { name: 'cache', timeoutMs: 5_000 }]), undefined, new Map([['fake', slowLoading], ['unused', unused]]));
    m.start();
    await rig.clock.advance(9_000);
    // The load is not the target's answer: both first checks pass, none timed out.
    expect(status(m, 'db')).toMatchObject({ state: 'operational', checked: true, stateChanges: 0 });
    expect(status(m, 'cache')).toMatchObject({ state: 'operational', checked: true, stateChanges: 0 });
    expect(status(m, 'db')!.probes[0]).toMatchObject({ success: true, durationSeconds: 0.01 });
    expect(loads).toBe(1);
    expect(unusedLoads).toBe(0);
  });

  it('logs a library that fails to load, and lets each probe fail with its own reason', async () => {
    rig = new Rig();
    const fake = rig.world.kind();
    const broken: ProbeKind<any> = { ...fake, load: () => Promise.reject(new Error("Cannot find package 'pg'")) };
    const m = rig.monitor(engineConfig([{ name: 'db' }]), undefined, new Map([['fake', broken]]));
    rig.world.set('db', { up: false });
    m.start();
    await rig.clock.advance(2_000);
    expect(rig.log.lines.filter((l) => l.msg === 'probe client library failed to load')).toMatchObject([{ kind: 'fake', err: "Error: Cannot find package 'pg'" }]);
    expect(status(m, 'db')).toMatchObject({ state: 'major_outage', reason: 'refused' });
  });

  it("does not hold a concurrency slot while a kind's library loads: other kinds keep being probed", async () => {
    rig = new Rig();
    const clock = rig.clock;
    let loaded: Promise<void> | undefined;
    const load = () => (loaded ??= new Promise<void>((resolve) => { clock.setTimeout(resolve, 8_000); }));
    const fake = rig.world.kind();
    const slowLoading: ProbeKind<any> = { ...fake, kind: 'slow-loading', load };
    const base = engineConfig([{ name: 'db' }, { name: 'api' }], { maxConcurrency: 1 });
    const config = { ...base, components: base.components.map((c) => (c.name === 'db' ? { ...c, probes: c.probes.map((p) => ({ ...p, kind: 'slow-loading' })) } : c)) };
    const m = rig.monitor(config, undefined, new Map([['fake', fake], ['slow-loading', slowLoading]]));
    m.start();
    // api's first turn (ramp offset 0.5 s) is not queued behind db's load, with one slot only.
    await rig.clock.advance(1_000);
    expect(status(m, 'api')).toMatchObject({ checked: true, state: 'operational' });
    expect(status(m, 'db')!.checked).toBe(false);
    await rig.clock.advance(8_000);
    expect(status(m, 'db')).toMatchObject({ checked: true, state: 'operational' });
  });
});

describe('monitor as a replica of a cluster (a RoundExchange)', () => {
  it('probes only its share, at the same offsets, sends its rounds away and shows only the decided ones', async () => {
    rig = new Rig();
    const reported: { component: string; success: boolean }[] = [];
    const share = new Set(['a', 'c']);
    const http = new HttpDispatchers();
    const m = new Monitor({
      config: engineConfig([{ name: 'a' }, { name: 'b' }, { name: 'c' }]), kinds: new Map([['fake', rig.world.kind()]]),
      logger: rig.log.logger, now: rig.now, http, clock: rig.clock,
      exchange: { probes: (c) => share.has(c), report: (component, results) => reported.push({ component, success: results[0]!.outcome.success }) },
    });
    m.onSnapshot((snapshot, changes) => rig.published.push({ snapshot, changes }));
    m.start();
    rig.world.set('a', { up: false });
    await rig.clock.advance(12_000);
    // b is another replica's: never probed here; a and c once per cycle at their usual offsets.
    expect(rig.world.startsOf('b')).toEqual([]);
    expect(rig.world.startsOf('a').length).toBeGreaterThanOrEqual(2);
    expect(reported.filter((r) => r.component === 'a').every((r) => !r.success)).toBe(true);
    // Nothing applied until decided: a's own failing rounds did not change its state.
    expect(status(m, 'a')!.checked).toBe(false);
    expect(m.ready()).toBe(false);
    // The cluster's agreed rounds (a tie for a: no outage; b from its probers) are applied as local rounds.
    const ok = [{ outcome: { success: true, durationSeconds: 0.01 }, at: rig.now() }];
    for (const c of ['a', 'b', 'c']) m.decide(c, ok, rig.now());
    m.decide('gone', ok, rig.now());
    await rig.clock.advance(1_000);
    expect(m.snapshot().components.map((c) => [c.name, c.state, c.checked])).toEqual([['a', 'operational', true], ['b', 'operational', true], ['c', 'operational', true]]);
    expect(m.ready()).toBe(true);
    await m.stop();
    await http.close();
  });
});
