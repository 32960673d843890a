import { afterEach, describe, expect, it } from 'vitest';
import { countRound, ZERO_COUNTS, type RoundCounts } from '../../src/engine/attribution.js';
import { Monitor } from '../../src/engine/monitor.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import { componentFamilies } from '../../src/metrics/families.js';
import type { ComponentStatus } from '../../src/engine/snapshot.js';
import { engineConfig, FakeClock, FakeWorld, recordingLogger } from './fakes.js';

const causes = (rootCauses: string[]) => ({ rootCauses, isVendor: (n: string) => n === 'stripe' });

describe('countRound', () => {
  it('counts available rounds, own failures, and splits a round among several root causes', () => {
    let c: RoundCounts = ZERO_COUNTS;
    c = countRound(c, 'degraded', 'degraded', causes([]));
    c = countRound(c, 'major_outage', 'major_outage', causes([]));
    c = countRound(c, 'partial_outage', 'partial_outage', causes(['db', 'stripe']));
    c = countRound(c, 'major_outage', 'major_outage', causes(['db']));
    expect(c).toMatchObject({ rounds: 4, available: 1, own: 1, planned: 0 });
    expect(Object.fromEntries(c.byRoot)).toEqual({ db: { cause: 'upstream', rounds: 1.5 }, stripe: { cause: 'vendor', rounds: 0.5 } });
    // The parts always add up to the unavailable rounds.
    const parts = c.own + c.planned + [...c.byRoot.values()].reduce((n, r) => n + r.rounds, 0);
    expect(parts).toBe(c.rounds - c.available);
  });

  it('charges a hysteresis tail (probes pass, still shown down) like the last unavailable round', () => {
    let c = countRound(ZERO_COUNTS, 'major_outage', 'major_outage', causes(['db']));
    // db recovered: no root cause any more, but api needs recover_after good rounds.
    c = countRound(c, 'major_outage', 'operational', causes([]));
    expect(c.own).toBe(0);
    expect(c.byRoot.get('db')?.rounds).toBe(2);
    // A failing round with no root cause is its own again.
    c = countRound(c, 'major_outage', 'major_outage', causes([]));
    c = countRound(c, 'major_outage', 'operational', causes([]));
    expect(c.own).toBe(2);
  });
});

describe('SLO counters in the engine', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => { await stop?.(); stop = undefined; });

  it('attributes a dependent\'s rounds to the root cause shown, vendors apart, and keeps the counts across a reload', async () => {
    const clock = new FakeClock();
    const world = new FakeWorld(clock);
    const log = recordingLogger();
    const http = new HttpDispatchers();
    const monitors: Monitor[] = [];
    stop = async () => { for (const m of monitors) await m.stop(); await http.close(); };
    const config = engineConfig([
      { name: 'api', dependsOn: ['db', 'stripe'] }, { name: 'db' }, { name: 'stripe', tier: 'third-party' },
    ]);
    const make = (carried?: ReturnType<Monitor['carry']>) => {
      const m = new Monitor({ config, kinds: new Map([['fake', world.kind()]]), logger: log.logger, now: () => clock.now(), http, clock, ...(carried ? { carried } : {}) });
      monitors.push(m);
      return m;
    };
    const a = make();
    a.start();
    await clock.advance(30_000); // three 10 s cycles, all up
    world.set('db', { up: false });
    world.set('api', { up: false });
    await clock.advance(30_000);
    world.set('db', { up: true });
    world.set('stripe', { up: false });
    await clock.advance(20_000);
    world.set('stripe', { up: true });
    await clock.advance(20_000);
    world.set('api', { up: true });
    await clock.advance(20_000);
    const api = a.snapshot().byName.get('api')!.counts;
    const unavailable = api.rounds - api.available;
    expect(unavailable).toBeGreaterThanOrEqual(5);
    // db's outage, then stripe's (a vendor), then api alone. The first failing round of api comes
    // before db is shown down only when api's turn comes first: the monitor probes db out of turn.
    expect(api.byRoot.get('db')).toMatchObject({ cause: 'upstream' });
    expect(api.byRoot.get('stripe')).toMatchObject({ cause: 'vendor' });
    expect(api.own).toBeGreaterThanOrEqual(1);
    expect(api.own + [...api.byRoot.values()].reduce((n, r) => n + r.rounds, 0)).toBe(unavailable);
    expect(a.snapshot().byName.get('db')!.counts).toMatchObject({ own: expect.any(Number), byRoot: new Map() });

    const carried = a.carry();
    await a.stop();
    const b = make(carried);
    expect(b.snapshot().byName.get('api')!.counts).toEqual(api);
    b.start();
    await clock.advance(10_000);
    const after = b.snapshot().byName.get('api')!.counts;
    expect(after.rounds).toBeGreaterThan(api.rounds);
    expect(after.available).toBeGreaterThan(api.available);
  });

  it('renders the counters with a cause and a root cause per series', () => {
    const counts: RoundCounts = { rounds: 10, available: 6.0, own: 1, planned: 0, lastRoots: [], lastPlanned: false, byRoot: new Map([['db', { cause: 'upstream', rounds: 2.5 }], ['stripe', { cause: 'vendor', rounds: 0.5 }]]) };
    const c = { name: 'api', counts } as unknown as ComponentStatus;
    const text = componentFamilies([]).filter((f) => f.name.endsWith('rounds_total')).map((f) => f.samples(c)).join('');
    expect(text).toBe([
      'statusgraph_component_rounds_total{component="api"} 10',
      'statusgraph_component_available_rounds_total{component="api"} 6',
      'statusgraph_component_unavailable_rounds_total{component="api",cause="own",root_cause="api"} 1',
      'statusgraph_component_unavailable_rounds_total{component="api",cause="planned",root_cause="api"} 0',
      'statusgraph_component_unavailable_rounds_total{component="api",cause="upstream",root_cause="db"} 2.5',
      'statusgraph_component_unavailable_rounds_total{component="api",cause="vendor",root_cause="stripe"} 0.5',
      '',
    ].join('\n'));
  });
});
