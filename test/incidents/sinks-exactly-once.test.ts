import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafana.js';
import { until } from '../support/ports.js';
import { HttpTarget } from '../support/targets.js';
import { tempDir } from '../support/tmp.js';
import { startWebhookRecorder, type WebhookRecorder } from '../support/webhook-recorder.js';

// Acceptance 5 of the architecture issue: two incident sinks side by side in a real exporter
// process — Grafana annotations (the strict stand-in) and a webhook whose receiver is an in-memory
// recorder in this process — and kill -9 at several points: while both destinations fail, while
// both hold a request that landed but was never answered, and right after a change is committed.
// Every change reaches each sink exactly once: one annotation per incident ever POSTed; each
// webhook change applied once, in order, any repeat on the wire flagged as a redelivery.

const TOKEN = 'sinks-e2e-token-7d21';
const jsonAuth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

interface ChangeRow { seq: number; incident_id: number; kind: string }

describe('incident sinks: exactly once across kill -9', () => {
  let svc: HttpTarget;
  let grafana: GrafanaStandIn;
  let hook: WebhookRecorder;
  let exp: RunningExporter;
  const data = tempDir('sg-sinks-e2e-');
  let config = '';
  const ids: Record<'a' | 'b', string> = { a: '', b: '' };

  const start = async () => { exp = await startExporter({ config, dataDir: data.path, env: { GRAFANA_TOKEN: grafana.token, HOOK_TOKEN: hook.token } }); };
  const restart = async () => { await exp.kill('SIGKILL'); await start(); };
  const post = async (p: string, body: unknown) => {
    const r = await fetch(`${exp.url}${p}`, { method: 'POST', headers: jsonAuth, body: JSON.stringify(body) });
    expect(r.status).toBeLessThan(300);
    return (await r.json()) as { id: string; resolvedAt: string | null };
  };
  const annotationOf = (id: string) => grafana.annotations().find((a) => a.tags.includes(`incident:${id}`));
  const appliedOf = (id: string) => hook.applied().filter((r) => r.body.incident.id === id);
  /** The change log, read from the database file as the exporter wrote it. */
  const changes = (): ChangeRow[] => {
    const db = new Database(path.join(data.path, 'incidents.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT seq, incident_id, kind FROM incident_changes ORDER BY seq').all() as ChangeRow[];
    } finally {
      db.close();
    }
  };
  const keyOf = (c: ChangeRow) => `webhook:recorder/INC-${c.incident_id}/${c.seq}`;

  beforeAll(async () => {
    svc = await HttpTarget.start();
    grafana = await startGrafanaStandIn();
    hook = await startWebhookRecorder();
    config = `
interval: 1s
timeout: 500ms
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
    await start();
  });

  afterAll(async () => {
    await exp?.stop();
    await Promise.all([svc?.down(), grafana?.close(), hook?.close()]);
    data.remove();
  });

  it('delivers an opened incident to both sinks', async () => {
    ids.a = (await post('/api/v1/incidents', { title: 'DB failover', components: ['db'], severity: 'critical' })).id;
    await until('INC-a in both sinks', () => annotationOf(ids.a) && appliedOf(ids.a).length === 1, 15_000);
    expect(annotationOf(ids.a)!.tags).toEqual(['incident', `incident:${ids.a}`, 'component:api', 'component:db', 'severity:critical']);
    expect(appliedOf(ids.a)[0]!.body.change.kind).toBe('opened');
  });

  it('kill -9 while both destinations fail: the pending change survives and is delivered once', async () => {
    grafana.failNext(1000, 500);
    hook.failNext(1000, 503);
    const failedBefore = { g: grafana.requests().filter((r) => r.status === 500).length, h: hook.received().filter((r) => r.status === 503).length };
    await post(`/api/v1/incidents/${ids.a}/updates`, { text: 'Replica promoted', status: 'identified' });
    await until('a failed attempt at both', () =>
      grafana.requests().filter((r) => r.status === 500).length > failedBefore.g && hook.received().filter((r) => r.status === 503).length > failedBefore.h, 15_000);
    await exp.kill('SIGKILL');
    grafana.failNext(0);
    hook.failNext(0);
    await start();
    await until('the update in both sinks', () => annotationOf(ids.a)!.text.includes('(identified)') && appliedOf(ids.a).length === 2, 30_000);
    expect(appliedOf(ids.a).map((r) => r.body.change.kind)).toEqual(['opened', 'updated']);
  });

  it('kill -9 while both hold a request that landed but was never answered: no second annotation, no second application', async () => {
    grafana.hangNextPosts(1);
    hook.hangNext(1);
    ids.b = (await post('/api/v1/incidents', { title: 'Queue backlog', components: ['api'], severity: 'major' })).id;
    await until('INC-b landed at both, unanswered', () => annotationOf(ids.b) && appliedOf(ids.b).length === 1, 15_000);
    await restart();
    await until('INC-b settled at both', () =>
      hook.received().filter((r) => r.body.incident.id === ids.b && r.status === 200).length === 1
      && grafana.requests().some((r) => r.method === 'PATCH' && r.status === 200 && r.path.endsWith(`/${annotationOf(ids.b)!.id}`)), 30_000);
    // The retry found the unanswered POST's annotation by its tag instead of posting again.
    expect(grafana.annotations().filter((a) => a.tags.includes(`incident:${ids.b}`))).toHaveLength(1);
    const copies = hook.received().filter((r) => r.body.incident.id === ids.b);
    expect(copies.map((r) => [r.status, r.body.redelivery])).toEqual([[0, false], [200, true]]);
    expect(new Set(copies.map((r) => r.key)).size).toBe(1);
  });

  it('kill -9 right after changes are committed, twice: each still arrives once', async () => {
    await post(`/api/v1/incidents/${ids.b}/updates`, { text: 'Consumers scaled up', status: 'monitoring' });
    await post(`/api/v1/incidents/${ids.a}/resolve`, { text: 'Failover done' });
    await restart();
    await post(`/api/v1/incidents/${ids.b}/resolve`, {});
    await restart();
    const all = changes();
    expect(all.map((c) => c.kind)).toEqual(['opened', 'updated', 'opened', 'updated', 'resolved', 'resolved']);
    await until('every change in both sinks', () =>
      hook.applied().length === all.length && [ids.a, ids.b].every((id) => annotationOf(id)?.text.includes('(resolved)')), 30_000);
  });

  it('ends with exactly one annotation per incident and each change applied once, in order', async () => {
    const all = changes();
    // Grafana: two incidents, two POSTs ever (the second one unanswered), no broken request.
    expect(grafana.annotations()).toHaveLength(2);
    expect(grafana.requests().filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(grafana.violations()).toEqual([]);
    for (const id of [ids.a, ids.b]) {
      const inc = (await (await fetch(`${exp.url}/api/v1/incidents/${id}`, { headers: jsonAuth })).json()) as { resolvedAt: string };
      expect(annotationOf(id)!.timeEnd).toBe(Date.parse(inc.resolvedAt));
    }
    // Webhook: every change of the log applied exactly once, each incident's in order.
    expect(hook.applied().map((r) => r.key).sort()).toEqual(all.map(keyOf).sort());
    for (const id of [ids.a, ids.b]) {
      const n = Number(id.slice(4));
      expect(appliedOf(id).map((r) => r.key)).toEqual(all.filter((c) => c.incident_id === n).map(keyOf));
    }
    // Any repeat on the wire carries the same key and says it is one.
    const firstOf = new Set<string>();
    for (const r of hook.received()) {
      if (firstOf.has(r.key)) expect(r.body.redelivery).toBe(true);
      firstOf.add(r.key);
    }
    expect(hook.violations()).toEqual([]);
    // And nothing is left queued or given up.
    await exp.stop();
    const db = new Database(path.join(data.path, 'incidents.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT * FROM sink_outbox').all()).toEqual([]);
      expect(db.prepare('SELECT sink, incident_id FROM sink_state ORDER BY 1, 2').all()).toEqual([
        { sink: 'grafana', incident_id: 1 }, { sink: 'grafana', incident_id: 2 },
        { sink: 'webhook:recorder', incident_id: 1 }, { sink: 'webhook:recorder', incident_id: 2 },
      ]);
    } finally {
      db.close();
    }
  });
});
