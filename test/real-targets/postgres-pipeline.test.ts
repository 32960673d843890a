import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startExporter, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { HttpTarget } from '../support/targets.js';

// Acceptance 1 and 2 through the running exporter: replica lag -> degraded with the lag in
// /metrics, and a stopped primary -> major outage with the replica and dependents impacted.
// Configured baselines keep latency blips on a loaded machine out of the degraded state under test.
let cluster: PostgresCluster;
let orders: HttpTarget;
let billing: HttpTarget;
let exp: RunningExporter;

const LAG_METRIC = 'statusgraph_postgres_replication_lag_seconds';

async function byName(): Promise<Map<string, any>> {
  return new Map((await exp.components()).map((c) => [c.name, c]));
}

beforeAll(async () => {
  [cluster, orders, billing] = await Promise.all([startPostgresCluster(), HttpTarget.start(), HttpTarget.start()]);
  await cluster.primary.query('CREATE TABLE writes (id serial PRIMARY KEY)');
  exp = await startExporter({
    config: `
interval: 1s
timeout: 800ms
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
    probes:
      - kind: postgres
        dsn: \${PG_REPLICA_DSN}
        max_replication_lag: 2s
        baseline: 1s
  - name: orders
    tier: service
    depends_on: [postgresql-primary]
    probes: [{ kind: http, url: "${orders.url}" }]
  - name: billing
    tier: service
    depends_on: [orders]
    probes: [{ kind: http, url: "${billing.url}" }]
`,
    env: { PG_PRIMARY_DSN: cluster.primary.dsn(), PG_REPLICA_DSN: cluster.replica!.dsn() },
  });
});

afterAll(async () => {
  await exp?.stop();
  await Promise.all([orders?.down(), billing?.down()]);
  await cluster?.destroy();
});

describe('postgres through the exporter', () => {
  it('the API shows each role; an idle primary gives the replica no lag', async () => {
    await cluster.primary.query('INSERT INTO writes DEFAULT VALUES');
    // Idle long enough that the last replayed transaction is older than max_replication_lag.
    await until('the last replay to be over 2.5 s old with the replica caught up', async () => {
      const [r] = await cluster.replica!.query<{ caught_up: boolean; age: number }>(
        `SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up,
                EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS age`);
      return r?.caught_up && r.age > 2.5;
    }, 20_000, 100);
    const seq = (await (await fetch(`${exp.url}/api/v1/components`)).json() as { seq: number }).seq;
    // A cycle that started after the condition held.
    const c = await until('two fresh cycles', async () => {
      const body = await (await fetch(`${exp.url}/api/v1/components`)).json() as { seq: number; components: any[] };
      return body.seq >= seq + 2 ? new Map(body.components.map((x) => [x.name, x])) : undefined;
    }, 10_000, 100);
    expect(c.get('postgresql-primary')).toMatchObject({ state: 'operational' });
    expect(c.get('postgresql-primary').probes[0].info.role).toBe('primary');
    expect(c.get('postgresql-replica')).toMatchObject({ state: 'operational' });
    expect(c.get('postgresql-replica').probes[0].info.role).toBe('replica');
    expect(metricValue(await exp.metrics(), LAG_METRIC, { component: 'postgresql-replica' })).toBe(0);
    // The configured threshold is exported beside the lag, for the alert rule.
    expect(metricValue(await exp.metrics(), 'statusgraph_postgres_replication_lag_threshold_seconds', { component: 'postgresql-replica' })).toBe(2);
  });

  it('paused replay plus writes: lag past max_replication_lag -> degraded, lag in /metrics; resume -> operational', async () => {
    await cluster.replica!.query('SELECT pg_wal_replay_pause()');
    try {
      const replica = await until('the replica to be degraded', async () => {
        await cluster.primary.query('INSERT INTO writes DEFAULT VALUES');
        const r = (await byName()).get('postgresql-replica');
        return r.state === 'degraded' ? r : undefined;
      }, 20_000, 200);
      expect(replica.reason).toMatch(/replication lag \d+\.\ds \(threshold: 2s\)/);
      const lag = metricValue(await exp.metrics(), LAG_METRIC, { component: 'postgresql-replica' });
      expect(lag).toBeGreaterThan(2);
      // Lag on the replica is not an outage of anything that depends on the primary.
      expect((await byName()).get('orders').impacted).toBe(false);
    } finally {
      await cluster.replica!.query('SELECT pg_wal_replay_resume()');
    }
    await until('the replica to be operational again', async () => (await byName()).get('postgresql-replica').state === 'operational', 20_000, 200);
    expect(metricValue(await exp.metrics(), LAG_METRIC, { component: 'postgresql-replica' })).toBe(0);
  });

  it('primary stopped: major outage; the replica and every dependent impacted with root cause postgresql-primary', async () => {
    await cluster.primary.stop();
    const c = await until('the primary to be in major outage with its dependents impacted', async () => {
      const m = await byName();
      return m.get('postgresql-primary').state === 'major_outage' && m.get('billing').impacted ? m : undefined;
    }, 15_000, 100);
    expect(c.get('postgresql-primary')).toMatchObject({ impacted: false, rootCauses: [] });
    expect(c.get('postgresql-primary').probes[0].error).toBe('refused');
    for (const name of ['postgresql-replica', 'orders', 'billing']) {
      expect(c.get(name)).toMatchObject({ impacted: true, rootCauses: ['postgresql-primary'] });
    }
    // The replica still answers reads: its own state is not an outage.
    expect(c.get('postgresql-replica').state).not.toMatch(/outage/);
    const m = await exp.metrics();
    expect(metricValue(m, 'statusgraph_component_status', { component: 'postgresql-primary' })).toBe(3);
    for (const name of ['postgresql-replica', 'orders', 'billing']) {
      expect(metricValue(m, 'statusgraph_component_impacted', { component: name, root_cause: 'postgresql-primary' })).toBe(1);
    }

    await cluster.primary.start();
    await until('the primary to recover without restarting the exporter', async () => {
      const after = await byName();
      return after.get('postgresql-primary').state === 'operational' && !after.get('billing').impacted;
    }, 20_000, 200);
  });
});
