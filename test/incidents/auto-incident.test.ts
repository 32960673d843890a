import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startExporter, type RunningExporter } from '../support/exporter.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafana.js';
import { until } from '../support/ports.js';
import { chainComponents, startChain, type HttpTarget, type TcpTarget } from '../support/targets.js';
import { tempDir } from '../support/tmp.js';
import { subscribeSse, type SseFrame } from '../support/sse.js';

// Acceptance 1, 2, 3 and 6 of the incidents issue, against a real exporter process: a three-level
// chain web -> api -> db of local servers the test stops and restarts, a Grafana stand-in that
// fails its first requests, a kill -9 in the middle, and the summary at the end.

const TOKEN = 'incidents-e2e-token-6c1f0a';
const auth = { authorization: `Bearer ${TOKEN}` };

interface IncidentJson {
  id: string; title: string; source: string; status: string; severity: string; rootCause: string | null;
  components: string[]; blastRadius: string[]; tookDown: string[]; startedAt: string; resolvedAt: string | null;
  durationSeconds: number | null; timeline?: Array<{ at: string; kind: string; author: string; text: string; component?: string; to?: string }>;
}

describe('automatic incidents end to end', () => {
  let db: TcpTarget, api: HttpTarget, web: HttpTarget;
  let grafana: GrafanaStandIn;
  let exp: RunningExporter;
  let sse: Awaited<ReturnType<typeof subscribeSse>> | undefined;
  const data = tempDir('sg-incidents-e2e-');
  let config = '';
  let incidentId = '';

  const start = () => startExporter({ config, dataDir: data.path, env: { GRAFANA_TOKEN: grafana.token }, headers: auth });
  const list = async (): Promise<IncidentJson[]> => {
    const r = await fetch(`${exp.url}/api/v1/incidents`, { headers: auth });
    expect(r.status).toBe(200);
    return ((await r.json()) as { incidents: IncidentJson[] }).incidents;
  };
  const one = async (id: string): Promise<IncidentJson> => (await (await fetch(`${exp.url}/api/v1/incidents/${id}`, { headers: auth })).json()) as IncidentJson;
  const probeOf = async (name: string) => (await exp.components()).find((c: { name: string }) => c.name === name)?.probes[0];
  const cycles = async () => ((await (await fetch(`${exp.url}/api/v1/components`, { headers: auth })).json()) as { cyclesCompleted: number }).cyclesCompleted;

  beforeAll(async () => {
    const chain = await startChain();
    ({ db, api, top: web } = chain);
    // The first two annotation requests fail: the outbox must retry them, and still post only once.
    grafana = await startGrafanaStandIn({ failFirst: 2 });
    config = `
interval: 1s
timeout: 500ms
auth:
  tokens: [${TOKEN}]
grafana:
  url: ${grafana.url}
  token: \${GRAFANA_TOKEN}
${chainComponents(chain, 'web', ['recover_after: 3'])}`;
    exp = await start();
    sse = await subscribeSse(`${exp.url}/api/v1/events`, auth);
  });

  afterAll(async () => {
    sse?.close();
    await exp?.stop();
    await Promise.all([db?.down(), api?.down(), web?.down(), grafana?.close()]);
    data.remove();
  });

  it('stopping the root opens exactly one incident listing the root cause and every transitive dependent', async () => {
    expect(sse!.status).toBe(200);
    expect(await list()).toEqual([]);
    await db.down();
    const [inc] = await until('an open incident', async () => {
      const l = await list();
      return l.length ? l : undefined;
    }, 15_000);
    incidentId = inc!.id;
    expect(await list()).toHaveLength(1);
    expect(inc).toMatchObject({
      source: 'auto', status: 'investigating', severity: 'critical', rootCause: 'db',
      blastRadius: ['api', 'web'], components: ['api', 'db', 'web'], tookDown: ['db'],
    });
    expect(inc!.id).toMatch(/^INC-\d+$/);
    expect(metricValue(await exp.metrics(), 'statusgraph_incidents_open')).toBe(1);
    const opened: SseFrame = await until('incident event on the SSE stream', () => sse!.frames.find((f) => f.event === 'incident' && f.data.change === 'opened'));
    expect(opened.data.incident).toMatchObject({ id: incidentId, rootCause: 'db' });
    expect(sse!.frames.some((f) => f.event === 'snapshot')).toBe(true);
  });

  it('a root cause that flaps within recover_after does not open a second incident', async () => {
    await db.up();
    await until('a successful db probe', async () => (await probeOf('db'))?.success === true, 10_000);
    await db.down();
    await until('a failing db probe again', async () => (await probeOf('db'))?.success === false, 10_000);
    const l = await list();
    expect(l.map((i) => [i.id, i.status])).toEqual([[incidentId, 'investigating']]);
  });

  it("the dependents' own outages join the incident", async () => {
    await Promise.all([api.down(), web.down()]);
    const inc = await until('api and web joined', async () => {
      const i = await one(incidentId);
      return i.tookDown.includes('api') && i.tookDown.includes('web') ? i : undefined;
    }, 15_000);
    expect(inc.tookDown).toEqual(['api', 'db', 'web']);
    expect(await list()).toHaveLength(1);
    const majors = inc.timeline!.filter((e) => e.kind === 'state_change' && e.to === 'major_outage').map((e) => e.component);
    expect(majors).toEqual(expect.arrayContaining(['db', 'api', 'web']));
  });

  it('after kill -9 and a restart: the same incident, no duplicate', async () => {
    await exp.kill('SIGKILL');
    sse?.close();
    exp = await start();
    const before = await cycles();
    // Two full cycles after the restart: everything is down and has been seen down again.
    await until('two probe cycles after the restart', async () => (await cycles()) >= before + 2, 15_000);
    const l = await list();
    expect(l.map((i) => [i.id, i.status])).toEqual([[incidentId, 'investigating']]);
    expect(metricValue(await exp.metrics(), 'statusgraph_incidents_open')).toBe(1);
  });

  it('restoring the root and its dependents resolves it, with the duration recorded', async () => {
    await Promise.all([db.up(), api.up(), web.up()]);
    const inc = await until('the incident resolved', async () => {
      const i = await one(incidentId);
      return i.status === 'resolved' ? i : undefined;
    }, 20_000);
    const duration = (Date.parse(inc.resolvedAt!) - Date.parse(inc.startedAt)) / 1000;
    expect(inc.durationSeconds).toBeCloseTo(duration, 3);
    expect(inc.durationSeconds!).toBeGreaterThan(1);
    expect(inc.timeline!.at(-1)).toMatchObject({ kind: 'resolved', author: 'statusgraph' });
    expect(await list()).toHaveLength(1);
    expect(metricValue(await exp.metrics(), 'statusgraph_incidents_open')).toBe(0);
  });

  it('mirrors it as exactly one Grafana region annotation with the right tags, timeEnd set on resolve', async () => {
    const inc = await one(incidentId);
    const resolvedAt = Date.parse(inc.resolvedAt!);
    await until('annotation with timeEnd', () => grafana.annotations().some((a) => a.timeEnd === resolvedAt), 20_000);
    const anns = grafana.annotations();
    expect(anns).toHaveLength(1);
    expect(anns[0]!.tags).toEqual(['incident', `incident:${incidentId}`, 'component:api', 'component:db', 'component:web', 'severity:critical']);
    expect(anns[0]!.time).toBe(Date.parse(inc.startedAt));
    expect(anns[0]!.dashboardUID).toBeNull();
    expect(grafana.requests().filter((r) => r.status === 500)).toHaveLength(2);
    expect(grafana.requests().filter((r) => r.method === 'POST' && r.status === 200)).toHaveLength(1);
    expect(grafana.violations()).toEqual([]);
  });

  it('root and dependents failing at the same moment still make one incident, keyed by the root', async () => {
    await Promise.all([db.down(), api.down(), web.down()]);
    const inc = await until('a second incident with everything down', async () => {
      const open = (await list()).filter((i) => i.status !== 'resolved');
      return open.length && open[0]!.tookDown.length === 3 ? open[0] : undefined;
    }, 15_000);
    const seen = await cycles();
    await until('two more probe cycles', async () => (await cycles()) >= seen + 2, 15_000);
    const open = (await list()).filter((i) => i.status !== 'resolved');
    expect(open.map((i) => [i.id, i.rootCause, i.tookDown])).toEqual([[inc.id, 'db', ['api', 'db', 'web']]]);
    expect(inc.id).not.toBe(incidentId);
  });

  it('the summary contains every timeline entry, in order', async () => {
    const inc = await one(incidentId);
    const r = await fetch(`${exp.url}/api/v1/incidents/${incidentId}/summary`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/markdown/);
    const md = await r.text();
    expect(md).toContain(`# ${incidentId}: `);
    expect(md).toContain('**Root cause:** db');
    expect(md).toContain('**Blast radius:** api, web');
    expect(md).toContain(`**Start:** ${inc.startedAt}`);
    expect(md).toContain(`**End:** ${inc.resolvedAt}`);
    expect(md).toMatch(/\*\*Duration:\*\* (\d+m )?\d+s/);
    expect(inc.timeline!.length).toBeGreaterThanOrEqual(7);
    let from = md.indexOf('## Timeline');
    for (const e of inc.timeline!) {
      const at = md.indexOf(`\`${e.at}\` **${e.author}**`, from + 1);
      expect(at, `entry "${e.text}" in order`).toBeGreaterThan(from);
      const line = md.slice(at, md.indexOf('\n', at)).replace(/\\(.)/g, '$1');
      expect(line).toContain(e.text);
      from = at;
    }
  });
});
