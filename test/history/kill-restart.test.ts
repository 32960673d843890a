/*
 * Issue 17, acceptance 1 and the history API, against the built CLI as a real process.
 *
 * Method, stated honestly: the process probes an HTTP target and a refused TCP port every
 * 500 ms for ~15 s (~30 results per probe), not for two hours; the two-hour picture on a fake
 * clock, where the rings reach wider buckets and the store its 5-minute tier, is
 * exporter/test/history/index.test.ts. Here the point is the real thing: kill -9 (no shutdown
 * hook runs), restart on the same data directory, and the same API answers for the time before
 * the kill, with the time the process was down shown as a gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { HttpTarget } from '../support/targets.js';
import { freePort, until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';

const TOKEN = 'history-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
type Latency = { at: string; gaps: [number, number][]; probes: { component: string; probe: string; widthMs: number; buckets: [number, number | null, number | null, number][] }[] };
type Uptime = { components: { name: string; days: [string, number, number, number, number, number][] }[] };

describe('restarts keep the picture; the history API', () => {
  let target: HttpTarget;
  let exp: RunningExporter;
  const data = tempDir('statusgraph-history-restart-');
  let config = '';
  const get = async <T>(path: string, headers: Record<string, string> = auth): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${exp.url}${path}`, { headers });
    return { status: r.status, body: (await r.json()) as T };
  };

  beforeAll(async () => {
    target = await HttpTarget.start();
    const refused = await freePort();
    config = `
interval: 500ms
timeout: 300ms
auth: { tokens: ["${TOKEN}"] }
history: { flush_interval: 200ms }
components:
  - name: up
    tier: service
    probes: [{ kind: http, url: "${target.url}" }]
  - name: down
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:${refused}" }]
`;
    exp = await startExporter({ config, dataDir: `${data.path}/data` });
  });

  afterAll(async () => {
    await exp?.stop();
    await target?.down();
    data.remove();
  });

  it('answers the same sparklines, uptime, incidents and results after kill -9 and a restart, and shows the gap', async () => {
    await until("30 stored results of up/http", async () =>
      ((await get<{ rows: unknown[] }>('/api/v1/components/up/history?step=raw&limit=10000')).body.rows.length >= 30), 60_000, 250);
    const latency = (await get<Latency>('/api/v1/latency')).body;
    const uptime = (await get<Uptime>('/api/v1/uptime')).body;
    const incidents = (await get<{ incidents: { id: string; startedAt: string; rootCause: string }[] }>('/api/v1/incidents')).body.incidents;
    const results = (await get<{ rows: [string, number, boolean, number, string | null][] }>('/api/v1/components/down/history?step=raw&limit=10000')).body.rows;
    const tB = Date.parse(latency.at);
    expect(incidents.some((i) => i.rootCause === 'down')).toBe(true);
    expect(results.every((r) => r[2] === false && /refused/i.test(r[4] ?? ''))).toBe(true);
    // Everything up to tB written (results and the run's end), then kill -9: no shutdown code runs.
    await until('results flushed past the snapshot', () =>
      exp.logLines().some((l) => l.event === 'history_flushed' && Number(l.up_to) >= tB + 400), 10_000);
    const killedAt = Date.now();
    await exp.kill('SIGKILL');
    exp = await startExporter({ config, dataDir: `${data.path}/data` });
    const restartedAt = Date.now();

    const after = (await get<Latency>("/api/v1/latency")).body;
    expect(exp.logLines().filter((l) => l.event === "history_write_failed")).toEqual([]);
    for (const p of latency.probes) {
      const q = after.probes.find((x) => x.component === p.component && x.probe === p.probe)!;
      expect(q.widthMs).toBe(p.widthMs);
      const complete = (b: [number, ...unknown[]]) => b[0] + p.widthMs <= tB - 1_000;
      const before = p.buckets.filter(complete);
      const replayed = q.buckets.filter(complete);
      expect(before.length).toBeGreaterThan(3);
      expect(replayed.map((b) => [b[0], b[3]])).toEqual(before.map((b) => [b[0], b[3]]));
      replayed.forEach((b, i) => {
        for (const k of [1, 2] as const) {
          if (before[i]![k] === null) expect(b[k]).toBeNull();
          else expect(Math.abs((b[k] as number) - (before[i]![k] as number))).toBeLessThan(2e-6);
        }
      });
    }
    // The time the process was down is a gap, between the kill and the restart.
    const gap = after.gaps[after.gaps.length - 1]!;
    expect(gap[0]).toBeGreaterThanOrEqual(tB);
    expect(gap[0]).toBeLessThanOrEqual(killedAt);
    expect(gap[1]).toBeGreaterThan(killedAt);
    expect(gap[1]).toBeLessThanOrEqual(restartedAt);

    const uptimeAfter = (await get<Uptime>('/api/v1/uptime')).body;
    for (const c of uptime.components) {
      const [before] = c.days.slice(-1);
      const [now] = uptimeAfter.components.find((x) => x.name === c.name)!.days.slice(-1);
      // Same day: every state's time kept, and the downtime not counted as observed.
      expect(now![0]).toBe(before![0]);
      for (let k = 1; k < 6; k++) expect(now![k]).toBeGreaterThanOrEqual((before![k] as number) - 0.001);
      expect(now![1] - before![1]).toBeLessThan((Date.now() - tB) / 1000 - (gap[1] - gap[0]) / 1000 + 0.5);
    }
    const incidentsAfter = (await get<{ incidents: { id: string; startedAt: string }[] }>('/api/v1/incidents')).body.incidents;
    for (const i of incidents) expect(incidentsAfter.find((x) => x.id === i.id)?.startedAt).toBe(i.startedAt);
    const resultsAfter = (await get<{ rows: [string, number, boolean, number, string | null][] }>('/api/v1/components/down/history?step=raw&limit=10000')).body.rows;
    expect(resultsAfter.filter((r) => r[1] <= results[results.length - 1]![1])).toEqual(results);
  });

  it('pages the history without repeating or skipping a row', async () => {
    const all = (await get<{ rows: [string, number][]; next: string | null }>('/api/v1/components/up/history?step=raw&limit=10000')).body;
    expect(all.next).toBeNull();
    const paged: [string, number][] = [];
    let cursor: string | null = '';
    const to = all.rows[all.rows.length - 1]![1] + 1;
    for (let i = 0; cursor !== null && i < 1000; i++) {
      const page: { rows: [string, number][]; next: string | null } =
        (await get<{ rows: [string, number][]; next: string | null }>(`/api/v1/components/up/history?step=raw&limit=7&to=${to}${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.rows.length).toBeLessThanOrEqual(7);
      paged.push(...page.rows);
      cursor = page.next;
    }
    expect(paged).toEqual(all.rows.filter((r) => r[1] < to));
    const five = (await get<{ columns: string[]; rows: unknown[][] }>('/api/v1/components/up/history?step=5m&from=' + (Date.now() - 3_600_000))).body;
    expect(five.columns).toEqual(['probe', 'start', 'stepSeconds', 'count', 'failures', 'min', 'avg', 'max', 'p95', 'firstReason', 'lastReason']);
    const total = five.rows.reduce((n, r) => n + (r[3] as number), 0);
    expect(total).toBeGreaterThanOrEqual(all.rows.length);
  });

  it('refuses a bad range with 400 JSON, an unknown component with 404, and a reader without a token with 401', async () => {
    const now = Date.now();
    for (const q of [`from=${now}&to=${now - 1}`, 'from=yesterday', 'step=2m', 'limit=0', 'cursor=zzz', `step=5m&from=0&to=${now}`, 'colour=red']) {
      const r = await get<{ error: string }>(`/api/v1/components/up/history?${q}`);
      expect([q, r.status]).toEqual([q, 400]);
      expect(typeof r.body.error).toBe('string');
    }
    expect((await get<{ error: string }>('/api/v1/components/nope/history')).status).toBe(404);
    expect((await get<{ error: string }>('/api/v1/components/up/history?probe=nope')).status).toBe(404);
    expect((await get<{ error: string }>('/api/v1/components/up/days/2020-13-01')).status).toBe(400);
    expect((await get<{ error: string }>('/api/v1/components/up/history', {})).status).toBe(401);
    expect((await get<{ error: string }>('/api/v1/components/up/days/2020-01-01', {})).status).toBe(401);
  });

  it('opens a day: the outage with its reason, the gap, the probes and the incident', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const r = await get<{
      periods: { state: string; reason: string | null; durationSeconds: number }[]; gaps: unknown[];
      probes: { probe: string; failures: number; lastReason: string | null }[]; incidents: { id: string; rootCause: string; timelineUrl: string }[];
    }>(`/api/v1/components/down/days/${day}`);
    expect(r.status).toBe(200);
    expect(r.body.periods[0]).toMatchObject({ state: 'major_outage' });
    expect(r.body.periods[0]!.reason).toMatch(/refused/i);
    expect(r.body.gaps.length).toBeGreaterThanOrEqual(1);
    expect(r.body.probes[0]!.failures).toBeGreaterThan(0);
    expect(r.body.probes[0]!.lastReason).toMatch(/refused/i);
    expect(r.body.incidents[0]).toMatchObject({ rootCause: 'down' });
    expect((await get<{ id: string }>(`/${r.body.incidents[0]!.timelineUrl}`)).body.id).toBe(r.body.incidents[0]!.id);
  });
});
