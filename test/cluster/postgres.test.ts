import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { Writable } from 'node:stream';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { migratePostgres } from '../../exporter/src/incidents/postgres/migrations.js';
import { openPostgresIncidentStore } from '../../exporter/src/incidents/postgres/store.js';
import type { Action } from '../../exporter/src/incidents/types.js';
import { Lease, LeaseLost } from '../../exporter/src/cluster/lease.js';
import { Registry } from '../../exporter/src/cluster/registry.js';
import { Exchange } from '../../exporter/src/cluster/exchange.js';
import type { Report } from '../../exporter/src/cluster/merge.js';
import { announcedUnhealthy, recordCheckerEvent } from '../../exporter/src/cluster/announce.js';

let db: PostgresCluster;
let pool: pg.Pool;

/** A logger whose lines the test reads. */
function capture() {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write(chunk, _e, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  return { logger, lines };
}

/** A clock the test moves: a lease's local belief runs on it. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

beforeAll(async () => {
  db = await startPostgresCluster({ replica: false });
  pool = new pg.Pool({ connectionString: db.primary.dsn(), max: 6 });
  // Idle clients see the server's stop as an error: expected in the database-away test.
  pool.on('error', () => undefined);
  // Three replicas starting at once: the store's migration lock makes one of them create the tables.
  await Promise.all([migratePostgres(pool), migratePostgres(pool), migratePostgres(pool)]);
});

afterAll(async () => {
  await pool?.end();
  await db?.destroy();
});

describe('the cluster tables on a real PostgreSQL', () => {
  it('are the incident store\'s version 5, created once whoever starts first, after maintenance\'s version 4', async () => {
    const rows = await db.primary.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename LIKE 'cluster_%'`);
    expect(rows[0]!.n).toBe('4');
    const versions = await db.primary.query<{ version: number }>('SELECT version FROM statusgraph_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
    expect((await db.primary.query('SELECT * FROM cluster_lease'))).toHaveLength(1);
  });

  it('registers replicas by heartbeat, with their location, and drops one that leaves', async () => {
    const a = new Registry(pool, 'reg-a', 'eu-west');
    const b = new Registry(pool, 'reg-b', 'us-east');
    await a.heartbeat();
    await b.heartbeat();
    let members = (await a.members(60_000)).filter((m) => m.name.startsWith('reg-'));
    expect(members.map((m) => [m.name, m.location, m.live])).toEqual([['reg-a', 'eu-west', true], ['reg-b', 'us-east', true]]);
    await b.leave();
    members = (await a.members(60_000)).filter((m) => m.name.startsWith('reg-'));
    expect(members.map((m) => [m.name, m.live])).toEqual([['reg-a', true], ['reg-b', false]]);
    expect(await a.prune(3_600_000)).toBe(1);
  });

  it('gives the lease to one replica, a higher token to the next term, and refuses the former leader\'s write', async () => {
    const ca = clock();
    const la = capture();
    const a = new Lease({ pool, name: 'lease-a', ttlMs: 60_000, logger: la.logger, monotonic: ca.now });
    const b = new Lease({ pool, name: 'lease-b', ttlMs: 60_000, logger: capture().logger, monotonic: clock().now });
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    const first = a.token()!;
    const write = (l: Lease, v: string) => l.fenced('a test row', (c, token) => c.query(`INSERT INTO cluster_events (token, holder, kind, detail) VALUES ($1, $2, 'test', $3)`, [token, v, JSON.stringify({ v })]));
    await write(a, 'lease-a');
    expect(await a.tick()).toBe(true);

    // a is paused past its lease: the row expires (made to, here) and b takes a new term.
    await db.primary.query(`UPDATE cluster_lease SET expires_at = clock_timestamp() - interval '1 second'`);
    expect(await b.tick()).toBe(true);
    expect(BigInt(b.token()!)).toBe(BigInt(first) + 1n);

    // a wakes up still believing in its lease (its own clock has not moved): the database refuses.
    expect(a.isLeader()).toBe(true);
    await expect(write(a, 'lease-a-late')).rejects.toBeInstanceOf(LeaseLost);
    expect(a.isLeader()).toBe(false);
    expect(la.lines.map((l) => l.event)).toEqual(['lease_acquired', 'lease_lost', 'fenced_write_refused']);
    await write(b, 'lease-b');
    const rows = await db.primary.query<{ holder: string; token: string }>(`SELECT holder, token::text FROM cluster_events WHERE kind = 'test' ORDER BY id`);
    expect(rows).toEqual([{ holder: 'lease-a', token: first }, { holder: 'lease-b', token: String(BigInt(first) + 1n) }]);
    await b.release();
  });

  it('fences the incident store\'s automatic decisions: a former leader\'s is rolled back in its own transaction', async () => {
    const ca = capture();
    const a = new Lease({ pool, name: 'store-a', ttlMs: 60_000, logger: ca.logger, monotonic: clock().now });
    const b = new Lease({ pool, name: 'store-b', ttlMs: 60_000, logger: capture().logger, monotonic: clock().now });
    await db.primary.query(`UPDATE cluster_lease SET expires_at = '-infinity'`);
    expect(await a.tick()).toBe(true);
    const store = await openPostgresIncidentStore({ dsn: db.primary.dsn(), sinks: ['grafana'], logger: capture().logger, fence: async (c, what) => { await a.check(c, what); } });
    try {
      const entry = (at: number, text: string) => ({ at, kind: 'opened' as const, author: 'statusgraph', text });
      const opening = (root: string, at: number): Action => ({
        type: 'open', rootCause: root, title: `${root}: Major outage`, severity: 'major', components: [root], blastRadius: [], tookDown: [], at, entry: entry(at, 'opened'),
      });
      expect(await store.apply([opening('fence-db', 1_000)], 1_000)).toHaveLength(1);
      // a is paused past its lease (made to, here): b takes a new term; a's own clock has not moved.
      await db.primary.query(`UPDATE cluster_lease SET expires_at = clock_timestamp() - interval '1 second'`);
      expect(await b.tick()).toBe(true);
      await expect(store.apply([opening('fence-cache', 2_000)], 2_000)).rejects.toBeInstanceOf(LeaseLost);
      const roots = (await store.list()).map((i) => i.rootCause);
      expect(roots).toEqual(['fence-db']);
      expect((await store.outbox()).map((o) => o.incidentId)).toHaveLength(1);
      expect(ca.lines.map((l) => l.event)).toEqual(['lease_acquired', 'lease_lost', 'fenced_write_refused']);
      expect(ca.lines.at(-1)!.msg).toContain('did not write automatic incident decisions');
      // A person's write (the API on whichever replica answered) is not the leader's to make.
      await store.createManual({ title: 'by hand', components: ['fence-db'], blastRadius: [], severity: 'minor', author: 'api', at: 3_000 });
      expect(await store.openCount()).toBe(2);
    } finally {
      await store.close();
      await b.release();
    }
  });

  it('records a checker\'s health change once, whichever leader says it, and tells a new leader what was said', async () => {
    const a = new Lease({ pool, name: 'say-a', ttlMs: 60_000, logger: capture().logger, monotonic: clock().now });
    await db.primary.query(`UPDATE cluster_lease SET expires_at = '-infinity'`);
    expect(await a.tick()).toBe(true);
    const say = (l: Lease, kind: 'checker_unhealthy' | 'checker_healthy') => l.fenced('a checker event', (c, t) => recordCheckerEvent(c, t, 'say-a', 'broken-1', kind, {}));
    expect(await say(a, 'checker_healthy')).toBe(false);
    expect(await say(a, 'checker_unhealthy')).toBe(true);
    expect(await say(a, 'checker_unhealthy')).toBe(false);
    expect(await announcedUnhealthy(pool)).toEqual(new Set(['broken-1']));
    expect(await say(a, 'checker_healthy')).toBe(true);
    expect(await announcedUnhealthy(pool)).toEqual(new Set());
    await a.release();
  });

  it('stops believing in the lease once its own clock passes the ttl, before asking the database', async () => {
    const c = clock();
    const l = capture();
    const a = new Lease({ pool, name: 'lease-c', ttlMs: 5_000, logger: l.logger, monotonic: c.now });
    expect(await a.tick()).toBe(true);
    c.advance(5_000);
    expect(a.isLeader()).toBe(false);
    await expect(a.fenced('a late row', async () => 1)).rejects.toBeInstanceOf(LeaseLost);
    expect(l.lines.filter((x) => x.event === 'lease_lost')).toHaveLength(1);
    expect(l.lines.at(-1)!.msg).toContain('did not write a late row');
    // The row has not expired by the database's clock: a new tick renews it... under a new term? No:
    // the holder's renewal needs the local belief, so it takes the lease again with a higher token.
    const before = (await db.primary.query<{ token: string }>('SELECT token::text FROM cluster_lease'))[0]!.token;
    await db.primary.query(`UPDATE cluster_lease SET expires_at = clock_timestamp() - interval '1 second'`);
    expect(await a.tick()).toBe(true);
    expect(BigInt(a.token()!)).toBe(BigInt(before) + 1n);
    await a.release();
  });

  it('exchanges rounds in batches, reads each once written, and prunes departed replicas and components', async () => {
    const ok = (at: number): Report['results'] => [{ outcome: { success: true, durationSeconds: 0.01 }, at }];
    const xa = new Exchange(pool, 'ex-a');
    const xb = new Exchange(pool, 'ex-b');
    const reader = new Exchange(pool, 'ex-reader');
    for (let i = 0; i < 500; i++) xa.enqueue({ component: `c-${i}`, replica: 'ex-a', at: 1_000, startedAt: 999, results: ok(1_000) });
    xa.enqueue({ component: 'c-0', replica: 'ex-a', at: 2_000, startedAt: 1_999, results: ok(2_000) });
    expect(xa.queued).toBe(500);
    expect(await xa.flush()).toBe(500);
    xb.enqueue({ component: 'c-0', replica: 'ex-b', at: 5, startedAt: 4, results: ok(5) });
    await xb.flush();
    const first = await reader.read();
    expect(first).toHaveLength(501);
    expect(first.find((r) => r.component === 'c-0' && r.replica === 'ex-a')!.at).toBe(2_000);
    expect(first.find((r) => r.replica === 'ex-b')!.results[0]!.outcome.success).toBe(true);
    expect(first.every((r) => r.ageMs >= 0 && r.ageMs < 60_000)).toBe(true);
    // A row's age is the database's: one written an hour ago reads as an hour old.
    await db.primary.query(`UPDATE cluster_results SET written_at = clock_timestamp() - interval '1 hour' WHERE replica = 'ex-b'`);
    const aged = (await new Exchange(pool, 'ex-fresh').read()).find((r) => r.replica === 'ex-b')!;
    expect(aged.ageMs).toBeGreaterThanOrEqual(3_600_000);
    expect(aged.ageMs).toBeLessThan(3_660_000);
    // An older round never overwrites a newer one.
    xa.enqueue({ component: 'c-0', replica: 'ex-a', at: 1_500, startedAt: 1_499, results: ok(1_500) });
    await xa.flush();
    xa.enqueue({ component: 'c-1', replica: 'ex-a', at: 3_000, startedAt: 2_999, results: ok(3_000) });
    await xa.flush();
    const next = await reader.read();
    expect(next.map((r) => [r.component, r.at])).toContainEqual(['c-1', 3_000]);
    expect(next.find((r) => r.component === 'c-0' && r.replica === 'ex-a')?.at ?? 2_000).toBe(2_000);
    expect(next.length).toBeLessThan(10);

    expect(await xa.prune(['ex-a'], Array.from({ length: 100 }, (_, i) => `c-${i}`))).toBe(401);
    expect((await db.primary.query('SELECT 1 FROM cluster_results'))).toHaveLength(100);
  });

  it('keeps the newest queued rounds while the database is away, and sends them once it is back', async () => {
    const x = new Exchange(pool, 'ex-away');
    x.enqueue({ component: 'away-1', replica: 'ex-away', at: 1, startedAt: 1, results: [] });
    await db.primary.stop();
    await expect(x.flush()).rejects.toThrow();
    x.enqueue({ component: 'away-1', replica: 'ex-away', at: 2, startedAt: 2, results: [] });
    x.enqueue({ component: 'away-2', replica: 'ex-away', at: 2, startedAt: 2, results: [] });
    expect(x.queued).toBe(2);
    await db.primary.start();
    expect(await x.flush()).toBe(2);
    const rows = await db.primary.query<{ component: string; at: string }>(`SELECT component, at::text FROM cluster_results WHERE replica = 'ex-away' ORDER BY component`);
    expect(rows).toEqual([{ component: 'away-1', at: '2' }, { component: 'away-2', at: '2' }]);
  });
});
