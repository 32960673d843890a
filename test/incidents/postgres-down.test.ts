/*
 * Issue 22, acceptance 4: PostgreSQL stopped for 60 s and started again, with real processes: two
 * statusgraph replicas on one database, the strict Grafana stand-in and a webhook recorder that
 * counts what it applies. No crash, nothing lost, the outboxes drain once. Then a shorter stop
 * with one replica: an outage that begins while PostgreSQL is down is recorded when it is back,
 * with its true start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startExporter, type RunningExporter } from '../support/exporter.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafana.js';
import { until } from '../support/ports.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { HttpTarget } from '../support/targets.js';
import { startWebhookRecorder, type WebhookRecorder } from '../support/webhook-recorder.js';

const TOKEN = 'pg-down-token-5e1b';
const jsonAuth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const OUTAGE_MS = 60_000;

interface Incident { id: string; rootCause: string | null; startedAt: string; resolvedAt: string | null }

describe('PostgreSQL down for 60 s under two replicas', () => {
  let pg: PostgresCluster;
  let svc: HttpTarget;
  let grafana: GrafanaStandIn;
  let hook: WebhookRecorder;
  let a: RunningExporter;
  let b: RunningExporter;
  let config = '';

  const start = () => startExporter({ config, headers: { authorization: `Bearer ${TOKEN}` }, env: { PG_DSN: pg.primary.dsn(), GRAFANA_TOKEN: grafana.token, HOOK_TOKEN: hook.token } });
  const call = (exp: RunningExporter, p: string, body?: unknown) =>
    fetch(`${exp.url}${p}`, body === undefined ? { headers: jsonAuth } : { method: 'POST', headers: jsonAuth, body: JSON.stringify(body) });
  const post = async (exp: RunningExporter, p: string, body: unknown): Promise<Incident> => {
    const r = await call(exp, p, body);
    expect(r.status).toBeLessThan(300);
    return (await r.json()) as Incident;
  };
  /** The change log as the replicas wrote it: one webhook key per change. */
  const changeKeys = async () => (await pg.primary.query<{ seq: number; incident_id: number }>('SELECT seq, incident_id FROM incident_changes ORDER BY seq'))
    .map((c) => `webhook:recorder/INC-${c.incident_id}/${c.seq}`);
  const outboxRows = async () => Number((await pg.primary.query<{ n: string }>('SELECT count(*) AS n FROM sink_outbox'))[0]!.n);
  const annotationsOf = (id: string) => grafana.annotations().filter((x) => x.tags.includes(`incident:${id}`));
  /** Every change applied once by the receiver, and no change answered 200 twice on the wire. */
  const deliveredOnce = async () => {
    const keys = await changeKeys();
    const ok = hook.received().filter((r) => r.status === 200).map((r) => r.key);
    return keys.length > 0 && (await outboxRows()) === 0
      && hook.applied().map((r) => r.key).sort().join() === [...keys].sort().join() && ok.length === new Set(ok).size;
  };

  beforeAll(async () => {
    pg = await startPostgresCluster({ replica: false });
    svc = await HttpTarget.start();
    grafana = await startGrafanaStandIn();
    hook = await startWebhookRecorder();
    config = `
interval: 1s
timeout: 500ms
store:
  kind: postgres
  dsn: \${PG_DSN}
auth:
  tokens: [${TOKEN}]
grafana:
  url: ${grafana.url}
  token: \${GRAFANA_TOKEN}
webhooks:
  - name: recorder
    url: ${hook.url}
    token: \${HOOK_TOKEN}
components:
  - name: db
    tier: infrastructure
    probes: [{ kind: http, url: "${svc.url}" }]
  - name: api
    tier: service
    depends_on: [db]
    probes: [{ kind: http, url: "${svc.url}" }]
`;
    [a, b] = await Promise.all([start(), start()]);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await Promise.all([svc?.down(), grafana?.close(), hook?.close()]);
    await pg?.destroy();
  });

  it('stopped for 60 s with deliveries pending: both replicas keep serving, writes answer 503, then every change arrives once', async () => {
    const i1 = await post(a, '/api/v1/incidents', { title: 'Checkout slow', components: ['api'], severity: 'major' });
    const i2 = await post(b, '/api/v1/incidents', { title: 'DB failover', components: ['db'], severity: 'critical' });
    await until('both incidents at both destinations', async () => annotationsOf(i1.id).length === 1 && annotationsOf(i2.id).length === 1 && deliveredOnce(), 30_000);

    // The destinations fail: the next changes stay queued, with failed attempts, when PostgreSQL stops.
    grafana.failNext(100_000, 500);
    hook.failNext(100_000, 503);
    const failing = { g: grafana.requests().length, h: hook.received().length };
    await post(b, `/api/v1/incidents/${i1.id}/updates`, { text: 'Cache warmed', status: 'monitoring' });
    await post(a, `/api/v1/incidents/${i2.id}/updates`, { text: 'Replica promoted', status: 'identified' });
    await until('failed attempts at both destinations', () => grafana.requests().length >= failing.g + 2 && hook.received().length >= failing.h + 2, 30_000);
    expect(await outboxRows()).toBe(4);

    await pg.primary.stop();
    const stoppedAt = Date.now();
    const during = await call(a, `/api/v1/incidents/${i1.id}/updates`, { text: 'written while the database is down' });
    expect(during.status).toBe(503);
    expect(((await during.json()) as { error: string }).error).toMatch(/^storage unreachable: the incident could not be saved or read \(ECONNREFUSED\); try again$/);
    const read = await call(b, '/api/v1/incidents');
    expect(read.status).toBe(503);
    // The outage itself is the scenario: 60 s of a stopped server, the replicas probing and serving.
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      for (const exp of [a, b]) {
        expect(exp.process.exitCode).toBeNull();
        const m = await exp.metrics();
        expect(metricValue(m, 'statusgraph_component_status', { component: 'db' })).toBe(0);
        // The open incidents as last read: /metrics does not wait for the store.
        expect(metricValue(m, 'statusgraph_incident_open', { incident: i2.id, component: 'db' })).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 5_000));
    }
    expect(a.logs()).toMatch(/outbox cannot read its queue|outbox pass failed/);
    expect(b.logs()).toMatch(/outbox cannot read its queue|outbox pass failed/);

    grafana.failNext(0);
    hook.failNext(0);
    await pg.primary.start();
    const back = Date.now();
    await until('every change delivered once after the restart', deliveredOnce, 30_000, 200);
    const drainedInMs = Date.now() - back;
    console.log(`PostgreSQL down ${Math.round((back - stoppedAt) / 1000)} s; outboxes drained ${drainedInMs} ms after it was back`);

    // Nothing lost: each incident has its opening and its update, at both destinations, once.
    for (const inc of [i1, i2]) {
      expect(hook.applied().filter((r) => r.body.incident.id === inc.id).map((r) => r.body.change.kind)).toEqual(['opened', 'updated']);
      expect(annotationsOf(inc.id)).toHaveLength(1);
      expect(grafana.requests().filter((r) => r.method === 'POST' && r.status === 200 && (r.body as { tags?: string[] }).tags?.includes(`incident:${inc.id}`))).toHaveLength(1);
    }
    expect(annotationsOf(i1.id)[0]!.text).toContain('(monitoring)');
    expect(annotationsOf(i2.id)[0]!.text).toContain('(identified)');
    expect(grafana.violations()).toEqual([]);
    expect(hook.violations()).toEqual([]);

    // Writes work again on both replicas, and reach the destinations once.
    await post(a, `/api/v1/incidents/${i1.id}/resolve`, { text: 'fixed' });
    await post(b, `/api/v1/incidents/${i2.id}/resolve`, { text: 'fixed' });
    await until('the resolutions delivered once', deliveredOnce, 30_000, 200);
    expect(hook.applied().map((r) => r.body.change.kind).filter((k) => k === 'resolved')).toHaveLength(2);
    for (const exp of [a, b]) expect(exp.process.exitCode).toBeNull();
  });

  it('an outage that begins while PostgreSQL is down is recorded with its true start once it is back', async () => {
    await b.stop(); // one replica decides: deciding on several is the leader's job (issue 22, item 2)
    await pg.primary.stop();
    await svc.down();
    const seen = await until('the replica sees db down', async () => (await a.components()).find((c) => c.name === 'db' && c.state === 'major_outage'), 15_000, 100);
    const downAt = Date.parse(seen.since);
    await new Promise((r) => setTimeout(r, 3_000)); // a few more snapshots queue up while the database is down
    await pg.primary.start();
    const opened = await until('the incident recorded', async () => {
      const r = await call(a, '/api/v1/incidents?state=open');
      return r.ok ? ((await r.json()) as { incidents: Incident[] }).incidents.find((i) => i.rootCause === 'db') : undefined;
    }, 30_000, 200);
    expect(Date.parse(opened.startedAt)).toBeLessThanOrEqual(downAt + 1_000);
    await until('the opening delivered once', deliveredOnce, 30_000, 200);
    expect(hook.applied().filter((r) => r.body.incident.id === opened.id)[0]!.body.change.kind).toBe('opened');
    await svc.up();
    await until('resolved and delivered once', async () => (await deliveredOnce())
      && hook.applied().some((r) => r.body.incident.id === opened.id && r.body.change.kind === 'resolved'), 30_000, 200);
    expect(annotationsOf(opened.id)).toHaveLength(1);
    expect(a.process.exitCode).toBeNull();
  });
});
