import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, metricValue, type RunningExporter } from '../support/exporter.js';
import { HttpTarget, TcpTarget } from '../support/targets.js';
import { freePort, until } from '../support/ports.js';

// Acceptance 1 of the exporter core: each way a target can fail, and recovery, against real
// local HTTP and TCP servers, read back through the API and /metrics of the running CLI.
describe('http and tcp probes through the running exporter', () => {
  let ok: HttpTarget, slow: HttpTarget, twoA: HttpTarget, twoB: HttpTarget, err500: HttpTarget, body: HttpTarget, hang: HttpTarget, flappy: HttpTarget;
  let tcp: TcpTarget;
  let refusedPort: number;
  let exp: RunningExporter;

  beforeAll(async () => {
    const started = await Promise.all(Array.from({ length: 8 }, () => HttpTarget.start()));
    [ok, slow, twoA, twoB, err500, body, hang, flappy] = started as [HttpTarget, HttpTarget, HttpTarget, HttpTarget, HttpTarget, HttpTarget, HttpTarget, HttpTarget];
    tcp = await TcpTarget.start();
    refusedPort = await freePort();
    err500.set({ status: 500 });
    body.set({ body: '{"status":"starting"}' });
    hang.set({ hang: true });
    exp = await startExporter({ config: `
interval: 1s
timeout: 500ms
components:
  - name: ok
    tier: service
    probes: [{ kind: http, url: "${ok.url}", expect: { body_contains: '"ok"', json: { status: ok } } }]
  - name: slow
    tier: service
    probes: [{ kind: http, url: "${slow.url}", baseline: 50ms }]
  - name: two-probes
    tier: service
    probes:
      - { kind: http, url: "${twoA.url}" }
      - { kind: http, url: "${twoB.url}" }
  - name: refused
    tier: service
    probes: [{ kind: http, url: "http://127.0.0.1:${refusedPort}/health" }]
  - name: hangs
    tier: service
    probes: [{ kind: http, url: "${hang.url}" }]
  - name: error500
    tier: service
    probes: [{ kind: http, url: "${err500.url}" }]
  - name: body-mismatch
    tier: service
    probes: [{ kind: http, url: "${body.url}", expect: { body_contains: '"ok"' } }]
  - name: unknown-host
    tier: third-party
    probes: [{ kind: http, url: "http://statusgraph-test.invalid/health" }]
  - name: tcp-ok
    tier: infrastructure
    probes: [{ kind: tcp, address: "${tcp.address}" }]
  - name: tcp-refused
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:${refusedPort}" }]
  - name: flappy
    tier: service
    recover_after: 3
    probes: [{ kind: http, url: "${flappy.url}" }]
` });
  });

  afterAll(async () => {
    await exp?.stop();
    await Promise.all([ok, slow, twoA, twoB, err500, body, hang, flappy].map((t) => t?.down()));
    await tcp?.down();
  });

  const byName = async () => new Map((await exp.components()).map((c) => [c.name, c]));

  it('classifies each target with its reason', async () => {
    const c = await until('every component checked', async () => {
      const m = await byName();
      return [...m.values()].every((x) => x.checked) ? m : undefined;
    });
    expect(c.get('ok')).toMatchObject({ state: 'operational', reason: null });
    expect(c.get('tcp-ok')).toMatchObject({ state: 'operational' });
    expect(c.get('refused')).toMatchObject({ state: 'major_outage', reason: 'refused' });
    expect(c.get('tcp-refused')).toMatchObject({ state: 'major_outage', reason: 'refused' });
    expect(c.get('hangs')).toMatchObject({ state: 'major_outage', reason: 'timeout' });
    expect(c.get('error500')).toMatchObject({ state: 'major_outage', reason: 'status 500' });
    expect(c.get('body-mismatch')).toMatchObject({ state: 'major_outage', reason: 'body mismatch' });
    expect(c.get('unknown-host')).toMatchObject({ state: 'major_outage', reason: 'dns' });
    const metrics = await exp.metrics();
    expect(metricValue(metrics, 'statusgraph_component_status', { component: 'ok', tier: 'service' })).toBe(0);
    expect(metricValue(metrics, 'statusgraph_component_status', { component: 'hangs', tier: 'service' })).toBe(3);
    expect(metricValue(metrics, 'statusgraph_probe_success', { component: 'error500', probe: 'http' })).toBe(0);
    expect(metricValue(metrics, 'statusgraph_probe_baseline_seconds', { component: 'slow', probe: 'http' })).toBe(0.05);
    // The hung probe was cut at its deadline, not left to the server.
    const hung = c.get('hangs').probes[0];
    expect(hung.durationSeconds).toBeGreaterThanOrEqual(0.45);
    expect(hung.durationSeconds).toBeLessThan(0.9);
  });

  it('latency over 2x baseline -> degraded', async () => {
    slow.set({ delayMs: 150 });
    const s = await until('slow degraded', async () => {
      const x = (await byName()).get('slow');
      return x.state === 'degraded' ? x : undefined;
    });
    expect(s.reason).toMatch(/^latency \d+ms over 2x baseline 50ms$/);
    expect(s.probes[0].durationSeconds).toBeGreaterThan(0.1);
    slow.set({ delayMs: 0 });
    await until('slow operational again', async () => (await byName()).get('slow').state === 'operational');
  });

  it('one of two probes failing -> partial_outage naming the probe', async () => {
    twoB.set({ status: 503 });
    const s = await until('partial', async () => {
      const x = (await byName()).get('two-probes');
      return x.state === 'partial_outage' ? x : undefined;
    });
    expect(s.reason).toBe('http-2: status 503');
    twoA.set({ status: 503 });
    await until('major when both fail', async () => (await byName()).get('two-probes').state === 'major_outage');
  });

  it('recovery honours recover_after, counting rounds from the log', async () => {
    await flappy.down();
    await until('flappy down', async () => (await byName()).get('flappy').state === 'major_outage');
    const before = flappy.requests;
    await flappy.up();
    const c = await until('flappy recovered', async () => {
      const x = (await byName()).get('flappy');
      return x.state === 'operational' ? x : undefined;
    }, 15_000);
    // recover_after: 3 -> at least three good rounds were answered before the state changed.
    expect(flappy.requests - before).toBeGreaterThanOrEqual(3);
    const transitions = exp.logLines().filter((l) => l.event === 'state_change' && l.component === 'flappy').map((l) => `${l.from}->${l.to}`);
    expect(transitions.slice(-2)).toEqual(['operational->major_outage', 'major_outage->operational']);
    expect(Date.parse(c.since)).toBeGreaterThan(0);
  });
});
