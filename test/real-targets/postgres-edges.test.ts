import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startExporter, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { HttpTarget } from '../support/targets.js';
import { startWebhookRecorder, type WebhookRecorder } from '../support/webhook-recorder.js';

// Issue 18, acceptance 1, with a real primary and streaming replica: the edge
// orders -> postgresql-replica carries "read-heavy queries"; replay paused past
// max_replication_lag -> the replica degraded, orders affected (not impacted), and with the
// replica's incident policy at degraded, one incident whose message (the webhook sink's payload)
// names the replica, the lag, the threshold and "read-heavy queries in orders".
let cluster: PostgresCluster;
let orders: HttpTarget;
let hook: WebhookRecorder;
let exp: RunningExporter;

async function byName(): Promise<Map<string, any>> {
  return new Map((await exp.components()).map((c) => [c.name, c]));
}

beforeAll(async () => {
  [cluster, orders, hook] = await Promise.all([startPostgresCluster(), HttpTarget.start(), startWebhookRecorder()]);
  await cluster.primary.query('CREATE TABLE writes (id serial PRIMARY KEY)');
  exp = await startExporter({
    config: `
interval: 1s
timeout: 800ms
webhooks:
  - name: recorder
    url: ${hook.url}
    token: \${HOOK_TOKEN}
components:
  - name: postgresql-primary
    tier: infrastructure
    probes:
      - kind: postgres
        dsn: \${PG_PRIMARY_DSN}
        baseline: 1s
  - name: postgresql-replica
    tier: infrastructure
    depends_on: [postgresql-primary]
    incidents: { open_at: degraded }
    probes:
      - kind: postgres
        dsn: \${PG_REPLICA_DSN}
        max_replication_lag: 2s
        baseline: 1s
  - name: orders
    tier: service
    depends_on:
      - postgresql-primary
      - { name: postgresql-replica, carries: read-heavy queries }
    probes: [{ kind: http, url: "${orders.url}", baseline: 1s }]
`,
    env: { PG_PRIMARY_DSN: cluster.primary.dsn(), PG_REPLICA_DSN: cluster.replica!.dsn(), HOOK_TOKEN: hook.token },
  });
});

afterAll(async () => {
  await exp?.stop();
  await Promise.all([orders?.down(), hook?.close()]);
  await cluster?.destroy();
});

describe('a lagging replica through an edge that says what it carries', () => {
  it('degrades the replica, affects orders, and opens one incident saying the lag, the threshold and what it affects', async () => {
    await cluster.replica!.query('SELECT pg_wal_replay_pause()');
    try {
      const c = await until('the replica degraded and orders affected', async () => {
        await cluster.primary.query('INSERT INTO writes DEFAULT VALUES');
        const m = await byName();
        return m.get('postgresql-replica').state === 'degraded' && m.get('orders').affected ? m : undefined;
      }, 30_000, 200);
      expect(c.get('orders')).toMatchObject({
        state: 'operational', impacted: false, rootCauses: [], affected: true,
        affectedBy: [{ rootCause: 'postgresql-replica', carries: ['read-heavy queries'] }],
      });
      expect(c.get('orders').dependencies).toEqual([
        { name: 'postgresql-primary', strength: 'hard', carries: null },
        { name: 'postgresql-replica', strength: 'hard', carries: 'read-heavy queries' },
      ]);
      const m = await exp.metrics();
      expect(metricValue(m, 'statusgraph_component_affected', { component: 'orders', root_cause: 'postgresql-replica', carries: 'read-heavy queries' })).toBe(1);
      expect(metricValue(m, 'statusgraph_component_impacted', { component: 'orders' })).toBeUndefined();

      const opened = await until('the incident to reach the webhook', async () => {
        const o = hook.applied().filter((r) => r.body.change.kind === 'opened');
        return o.length ? o : undefined;
      }, 20_000, 100);
      // Three more snapshots: nothing else opens for the same root cause.
      const seq = (await (await fetch(`${exp.url}/api/v1/components`)).json() as { seq: number }).seq;
      await until('three more snapshots', async () => ((await (await fetch(`${exp.url}/api/v1/components`)).json() as { seq: number }).seq >= seq + 3), 20_000, 100);
      expect(hook.applied().filter((r) => r.body.change.kind === 'opened')).toHaveLength(1);
      const { incident, change } = opened[0]!.body;
      expect(incident).toMatchObject({ title: 'postgresql-replica: Degraded', rootCause: 'postgresql-replica', severity: 'minor' });
      const text = change.entries.map((e) => e.text).join('\n');
      expect(text).toContain('postgresql-replica is degraded');
      expect(text).toMatch(/replication lag \d+\.\ds \(threshold: 2s\)/);
      expect(text).toContain('affected: orders');
      expect(text).toContain('affects: read-heavy queries in orders');
      const incidents = await (await fetch(`${exp.url}/api/v1/incidents`)).json() as { incidents: { rootCause: string }[] } | { rootCause: string }[];
      const list = Array.isArray(incidents) ? incidents : incidents.incidents;
      expect(list.filter((i) => i.rootCause === 'postgresql-replica')).toHaveLength(1);
    } finally {
      await cluster.replica!.query('SELECT pg_wal_replay_resume()');
    }
    await until('the incident to resolve once the replica caught up', async () => hook.applied().some((r) => r.body.change.kind === 'resolved'), 30_000, 200);
    expect((await byName()).get('orders').affected).toBe(false);
    expect(hook.violations()).toEqual([]);
  });
});
