import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { Monitor, type CarriedState } from '../../src/engine/monitor.js';
import type { Snapshot, StateChange } from '../../src/engine/snapshot.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
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

  monitor(config: Config, carried?: CarriedState): Monitor {
    const m = new Monitor({
      config, kinds: new Map([['fake', this.world.kind()]]), logger: this.log.logger, now: this.now,
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
});
