import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, metricValue, type RunningExporter } from '../support/exporter.js';
import { HttpTarget } from '../support/targets.js';
import { until } from '../support/ports.js';
import { PROMTOOLS } from '../alerting/tools.js';

const config = (targets: HttpTarget[], extra = '') => `
interval: 1s
timeout: 500ms
components:
${targets.map((t, i) => `  - name: svc-${i}
    tier: service
    display_name: "Service \\"${i}\\""
    runbook: https://wiki.example/runbooks/svc-${i}
    probes: [{ kind: http, url: "${t.url}" }]`).join('\n')}
${extra}`;

describe('reload and /metrics', () => {
  let a: HttpTarget, b: HttpTarget;
  let exp: RunningExporter;

  beforeAll(async () => {
    [a, b] = await Promise.all([HttpTarget.start(), HttpTarget.start()]);
    exp = await startExporter({ config: config([a]) });
  });
  afterAll(async () => {
    await exp?.stop();
    await Promise.all([a?.down(), b?.down()]);
  });

  it('passes promtool check metrics (the statusgraph_ families)', async () => {
    const text = await exp.metrics();
    const ours = text.split('\n').filter((l) => l.startsWith('statusgraph_') || /^# (HELP|TYPE) statusgraph_/.test(l)).join('\n') + '\n';
    expect(ours).toContain('statusgraph_component_status{component="svc-0",tier="service"} 0');
    expect(ours).toContain('display_name="Service \\"0\\""');
    const r = spawnSync('promtool', ['check', 'metrics'], { input: ours, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes promtool check metrics on the whole /metrics, runtime defaults included', async () => {
    // The body as a user's `curl /metrics | promtool check metrics` sees it, nothing filtered.
    const text = await exp.metrics();
    // The runtime metrics users expect are still there, as per-type gauges...
    expect(text).toContain('# TYPE nodejs_active_handles gauge');
    expect(text).toMatch(/^nodejs_active_handles\{type="[A-Za-z]+"\} \d+$/m);
    expect(text).toContain('# TYPE nodejs_active_requests gauge');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    // ...but not the gauges named like counters.
    expect(text).not.toMatch(/^# TYPE nodejs_active_\w+_total /m);
    // Both Prometheus lines' linters (2.42 and 3.5.3).
    for (const { major, cmd } of PROMTOOLS) {
      const r = spawnSync(cmd, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(r.error, `promtool ${major}.x`).toBeUndefined();
      expect(`${r.stdout}${r.stderr}`, `promtool ${major}.x`).toBe('');
      expect(r.status, `promtool ${major}.x`).toBe(0);
    }
  });

  it('rejects a bad config on /-/reload, keeps the running one, and says so in the metric', async () => {
    exp.writeConfig(config([a, b]).replace('tier: service', 'tier: nonsense'));
    const res = await fetch(`${exp.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(500);
    const body = await res.json() as { error: string };
    expect(body.error).toMatch(/statusgraph\.yml:\d+:\d+: components\.0\.tier: must be one of/);
    const m = await exp.metrics();
    expect(metricValue(m, 'statusgraph_config_last_reload_successful')).toBe(0);
    expect((await exp.components()).map((c) => c.name)).toEqual(['svc-0']);
    // Still probing with the old config.
    const before = a.requests;
    await until('old config still probing', () => a.requests > before + 1);
    expect(exp.logLines().some((l) => l.event === 'reload_failed')).toBe(true);
  });

  it('applies a good config on SIGHUP, keeping the state of unchanged components', async () => {
    const since = (await exp.components())[0].since;
    exp.writeConfig(config([a, b]));
    exp.process.kill('SIGHUP');
    const comps = await until('new component probed', async () => {
      const c = await exp.components();
      return c.length === 2 && c[1].checked ? c : undefined;
    });
    expect(comps.map((c) => c.name)).toEqual(['svc-0', 'svc-1']);
    expect(comps[0].since).toBe(since);
    const m = await exp.metrics();
    expect(metricValue(m, 'statusgraph_config_last_reload_successful')).toBe(1);
    expect(metricValue(m, 'statusgraph_component_info', { component: 'svc-1', runbook: 'https://wiki.example/runbooks/svc-1' })).toBe(1);
    expect((await fetch(`${exp.url}/-/ready`)).status).toBe(200);
  });

  it('keeps the SLO round counters monotonic across a reload (issue 21): every series carries on from its value', async () => {
    // Some unavailable rounds of svc-0's own first, so that every counter family has a value to keep.
    a.set({ status: 503 });
    await until('svc-0 unavailable for 3 rounds', async () => (metricValue(await exp.metrics(), 'statusgraph_component_unavailable_rounds_total', { component: 'svc-0', cause: 'own' }) ?? 0) >= 3);
    a.set({ status: 200 });
    await until('svc-0 operational again', async () => (await exp.components())[0].state === 'operational');
    // Far more rounds than a fresh process could make by the time it answers: a reset would show.
    await until('8 rounds of svc-0', async () => (metricValue(await exp.metrics(), 'statusgraph_component_rounds_total', { component: 'svc-0' }) ?? 0) >= 8);
    const counters = (text: string) => new Map(text.split('\n')
      .filter((l) => /^statusgraph_component_(available_|unavailable_)?rounds_total\{/.test(l))
      .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
    const before = counters(await exp.metrics());
    expect(before.get('statusgraph_component_unavailable_rounds_total{component="svc-0",cause="own",root_cause="svc-0"}')).toBeGreaterThanOrEqual(3);
    exp.writeConfig(config([a, b]).replace('runbook: https://wiki.example/runbooks/svc-1', 'runbook: https://wiki.example/runbooks/svc-1-moved'));
    const res = await fetch(`${exp.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(200);
    const after = counters(await exp.metrics());
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
    for (const [k, v] of before) expect(after.get(k), k).toBeGreaterThanOrEqual(v);
    // And they go on counting from there.
    const rounds = before.get('statusgraph_component_rounds_total{component="svc-0"}')!;
    await until('a round of the reloaded monitor', async () => (metricValue(await exp.metrics(), 'statusgraph_component_rounds_total', { component: 'svc-0' }) ?? 0) > rounds);
  });

  it('answers liveness, and JSON 404 for unknown API paths', async () => {
    expect((await fetch(`${exp.url}/-/healthy`)).status).toBe(200);
    const r = await fetch(`${exp.url}/api/v1/nope`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: 'not found' });
  });
});
