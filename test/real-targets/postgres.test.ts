import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresProbe } from '../../exporter/src/probes/postgres.js';
import { until } from '../support/ports.js';
import { startPostgresCluster, type PostgresCluster, type PostgresServer } from '../support/postgres.js';
import { probeUnderTest, type ProbeUnderTest } from '../support/probe.js';

// The postgres probe against a real primary and its streaming replica.
let cluster: PostgresCluster;
let primary: PostgresServer;
let replica: PostgresServer;
const probes: ProbeUnderTest[] = [];

function probe(options: Record<string, unknown>, timeoutMs = 2_000): ProbeUnderTest {
  const p = probeUnderTest(postgresProbe, options, { timeoutMs });
  probes.push(p);
  return p;
}

function lagOf(o: { measurements?: readonly { metric: string; value: number }[] }): number | undefined {
  return o.measurements?.find((m) => m.metric === 'postgres_replication_lag_seconds')?.value;
}

beforeAll(async () => {
  cluster = await startPostgresCluster();
  primary = cluster.primary;
  replica = cluster.replica!;
  await primary.query('CREATE TABLE writes (id serial PRIMARY KEY, at timestamptz DEFAULT now())');
});

afterAll(async () => {
  for (const p of probes) await p.close().catch(() => undefined);
  await cluster?.destroy();
});

describe('postgres probe', () => {
  it('on the primary: passes, role primary, no lag measured', async () => {
    const o = await probe({ dsn: primary.dsn() }).run();
    expect(o.success).toBe(true);
    expect(o.reason).toBeUndefined();
    expect(o.info?.role).toBe('primary');
    expect(lagOf(o)).toBeUndefined();
    expect(o.durationSeconds).toBeGreaterThan(0);
  });

  it('on an idle replica: no lag, although its last replayed transaction is old', async () => {
    await primary.query('INSERT INTO writes DEFAULT VALUES');
    // The naive measure (age of the last replayed transaction) grows while nothing is written;
    // wait until it is well past the threshold, with the replica fully caught up.
    await until('the replica to be caught up and the last replay to be over 1.5 s old', async () => {
      const [r] = await replica.query<{ caught_up: boolean; age: number }>(
        `SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up,
                EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS age`);
      return r?.caught_up && r.age > 1.5;
    }, 20_000, 100);
    const o = await probe({ dsn: replica.dsn(), max_replication_lag: '1s' }).run();
    expect(o.success).toBe(true);
    expect(o.info?.role).toBe('replica');
    expect(lagOf(o)).toBe(0);
    expect(o.degradedReason).toBeUndefined();
  });

  it('paused replay with writes on the primary: lag climbs past max_replication_lag, then recovers on resume', async () => {
    const p = probe({ dsn: replica.dsn(), max_replication_lag: '1s' });
    expect((await p.run()).degradedReason).toBeUndefined();
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      const degraded = await until('the replica probe to report degraded lag', async () => {
        await primary.query('INSERT INTO writes DEFAULT VALUES');
        const o = await p.run();
        return o.degradedReason ? o : undefined;
      }, 20_000, 200);
      expect(degraded.success).toBe(true);
      expect(degraded.degradedReason).toMatch(/^replication lag \d+\.\ds \(threshold: 1s\)$/);
      expect(lagOf(degraded)).toBeGreaterThan(1);
      expect(degraded.info?.replay_paused).toBe(true);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    const recovered = await until('the replica probe to report no lag after resume', async () => {
      const o = await p.run();
      return o.success && lagOf(o) === 0 && !o.degradedReason ? o : undefined;
    }, 20_000, 100);
    expect(recovered.info?.replay_paused).toBe(false);
  });

  it('wrong password: "auth failed", and the password appears nowhere', async () => {
    const wrong = `wrong-${cluster.password.slice(3)}x`;
    const p = probe({ dsn: primary.dsn({ password: wrong }) });
    const o = await p.run();
    expect(o).toMatchObject({ success: false, reason: 'auth failed' });
    const everything = JSON.stringify(o) + p.logs();
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(cluster.password);
  });

  it('unknown database: named as such', async () => {
    const o = await probe({ dsn: primary.dsn({ database: 'no_such_db' }) }).run();
    expect(o).toMatchObject({ success: false, reason: 'database does not exist' });
  });

  it('keeps its connection between runs', async () => {
    const p = probe({ dsn: primary.dsn() });
    await p.run();
    const count = async () => (await primary.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'statusgraph'"))[0]!.n;
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await p.run()).success).toBe(true);
    expect(await count()).toBe(before);
    // close() (config reload, shutdown) gives the connection back.
    await p.close();
    await until('the probe connection to be gone', async () => (await count()) === before - 1, 5_000, 50);
  });

  it('a frozen server is a timeout within the deadline; after thaw the same probe passes', async () => {
    const p = probe({ dsn: primary.dsn() }, 700);
    expect((await p.run()).success).toBe(true);
    await primary.freeze();
    try {
      const o = await p.run();
      expect(o).toMatchObject({ success: false, reason: 'timeout' });
    } finally {
      primary.thaw();
    }
    await until('the probe to pass again after thaw', async () => (await p.run()).success, 10_000, 100);
  });

  it('a stopped server is refused; after a restart the same probe reconnects', async () => {
    const p = probe({ dsn: primary.dsn() });
    expect((await p.run()).success).toBe(true);
    await primary.stop();
    const down = await p.run();
    expect(down).toMatchObject({ success: false, reason: 'refused' });
    await primary.start();
    const up = await p.run();
    expect(up.success).toBe(true);
    expect(up.info?.role).toBe('primary');
  });
});
