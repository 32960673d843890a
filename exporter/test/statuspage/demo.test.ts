import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { demoConfigYaml, DEMO_TOKEN_ENV } from '../../src/demo/config.js';
import { SLOW_FACTOR, startSimulatedServices, type SimulatedServices } from '../../src/demo/services.js';
import { DEMO_TOPOLOGY, demoBaselineMs } from '../../src/demo/topology.js';
import { DemoWorld, UnknownComponentError } from '../../src/demo/world.js';

describe('demo world', () => {
  it('is the 14-component reference topology', () => {
    expect(DEMO_TOPOLOGY).toHaveLength(14);
    const edges = DEMO_TOPOLOGY.flatMap((c) => c.dependsOn.map((d) => `${c.name}->${d}`)).sort();
    expect(edges).toEqual([
      'api-gateway->auth', 'api-gateway->orders', 'api-gateway->payments', 'auth->postgresql-replica', 'auth->redis-cache',
      'frontend->api-gateway', 'notifications->rabbitmq', 'notifications->sendgrid', 'orders->postgresql-primary', 'orders->rabbitmq',
      'orders->redis-cache', 'payments->postgresql-primary', 'payments->stripe-api', 'postgresql-replica->postgresql-primary',
      'worker->rabbitmq', 'worker->redis-cache', 'worker->s3-storage', 'worker->sendgrid',
    ]);
  });

  it('breaks dependents transitively once the failure has propagated, and heals at once', () => {
    let now = 0;
    const w = new DemoWorld(DEMO_TOPOLOGY, { now: () => now, propagationMs: 3000 });
    expect(w.fail('postgresql-primary')).toBe(true);
    expect(w.fail('postgresql-primary')).toBe(false);
    expect(w.isBroken('postgresql-primary')).toBe(true);
    expect(w.isBroken('orders')).toBe(false);
    now = 3000;
    const broken = w.list().filter((c) => c.broken).map((c) => c.name).sort();
    expect(broken).toEqual(['api-gateway', 'auth', 'frontend', 'orders', 'payments', 'postgresql-primary', 'postgresql-replica']);
    expect(w.brokenDependency('frontend')).toBe('postgresql-primary');
    expect(w.heal('postgresql-primary')).toBe(true);
    expect(w.list().some((c) => c.broken)).toBe(false);
    expect(() => w.fail('nope')).toThrow(UnknownComponentError);
  });

  it('slows a component without breaking anything, and heal clears it', () => {
    const w = new DemoWorld(DEMO_TOPOLOGY);
    expect(w.slow('sendgrid')).toBe(true);
    expect(w.slow('sendgrid')).toBe(false);
    expect(w.list().find((c) => c.name === 'sendgrid')).toEqual({ name: 'sendgrid', failed: false, slow: true, broken: false });
    expect(w.isBroken('worker')).toBe(false);
    expect(w.heal('sendgrid')).toBe(true);
    expect(w.isSlow('sendgrid')).toBe(false);
    expect(w.heal('sendgrid')).toBe(false);
  });
});

describe('simulated services and the demo config', () => {
  let services: SimulatedServices | undefined;
  afterEach(async () => { await services?.close(); services = undefined; });

  it('generates a config the real loader accepts, with the token as a secret', async () => {
    const world = new DemoWorld(DEMO_TOPOLOGY);
    services = await startSimulatedServices(world);
    const yaml = demoConfigYaml({ components: DEMO_TOPOLOGY, endpoints: services.endpoints, intervalMs: 2000, timeoutMs: 1000, listen: '127.0.0.1:9470', publicListen: '127.0.0.1:9471', dataDir: '/tmp/x' });
    const cfg = parseConfig(yaml, 'demo.yml', { env: { [DEMO_TOKEN_ENV]: 'tok-123' }, probeKinds: PROBE_KINDS });
    expect(cfg.components).toHaveLength(14);
    expect(cfg.intervalMs).toBe(2000);
    expect(cfg.auth).toMatchObject({ tokens: ['tok-123'], read: 'public' });
    expect(cfg.secrets).toContain('tok-123');
    expect(yaml).not.toContain('tok-123');
    expect(cfg.components.find((c) => c.name === 'stripe-api')!.probes.map((p) => p.kind)).toEqual(['http', 'statuspage']);
  });

  it('refuses connections of a failed component, answers 503 for its dependents, and comes back when healed', async () => {
    const world = new DemoWorld(DEMO_TOPOLOGY, { now: () => 0, propagationMs: 0 });
    services = await startSimulatedServices(world, { random: () => 0 });
    const port = (c: string, p: string) => services!.endpoints.find((e) => e.component === c && e.probe === p)!.port;
    const health = async (c: string) => (await fetch(`http://127.0.0.1:${port(c, 'http')}/health`)).status;
    const tcpUp = (c: string) => new Promise<boolean>((resolve) => {
      const s = net.connect(port(c, 'tcp'), '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    expect(await health('orders')).toBe(200);
    expect(await tcpUp('postgresql-primary')).toBe(true);

    world.fail('postgresql-primary');
    await services.sync();
    expect(await tcpUp('postgresql-primary')).toBe(false);
    expect(await tcpUp('postgresql-replica')).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port('postgresql-replica', 'replication')}/replication`)).status).toBe(503);
    expect(await health('orders')).toBe(503);
    expect(await health('worker')).toBe(200);

    world.fail('stripe-api');
    await services.sync();
    const summary = (await (await fetch(`http://127.0.0.1:${port('stripe-api', 'statuspage')}/api/v2/summary.json`)).json()) as { status: { indicator: string } };
    expect(summary.status.indicator).toBe('critical');
    await expect(fetch(`http://127.0.0.1:${port('stripe-api', 'http')}/health`)).rejects.toThrow();

    world.heal('postgresql-primary');
    world.heal('stripe-api');
    await services.sync();
    expect(await tcpUp('postgresql-primary')).toBe(true);
    expect(await health('orders')).toBe(200);
    expect(await health('stripe-api')).toBe(200);

    // Slow: still 200, but after SLOW_FACTOR times the demo baseline.
    world.slow('sendgrid');
    const sendgrid = DEMO_TOPOLOGY.find((c) => c.name === 'sendgrid')!;
    const t0 = performance.now();
    expect(await health('sendgrid')).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(demoBaselineMs(sendgrid) * SLOW_FACTOR - 5);
  });
});
