/*
 * The PostgreSQL incident store against a real server (started here on a free loopback port):
 * the same contract suite as SQLite, plus what only a shared database has to hold: replicas
 * migrating at once, a newer schema refused, and several processes' outbox workers delivering
 * every change exactly once between them (FOR UPDATE SKIP LOCKED claims); `statusgraph migrate`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { migratePostgres, PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../exporter/src/incidents/postgres/migrations.js';
import { createPool } from '../../exporter/src/incidents/postgres/pool.js';
import { openPostgresIncidentStore } from '../../exporter/src/incidents/postgres/store.js';
import { startOutbox } from '../../exporter/src/incidents/outbox.js';
import type { DeliveryResult, IncidentSink } from '../../exporter/src/incidents/sink.js';
import type { IncidentStore } from '../../exporter/src/incidents/store.js';
import { describeIncidentStoreContract } from '../../exporter/test/incidents/store-contract.js';
import { CLI } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { freshDatabase as freshDb, startPostgresCluster, type PostgresCluster } from '../support/postgres.js';

const logger = pino({ level: 'silent' });
let cluster: PostgresCluster;

beforeAll(async () => { cluster = await startPostgresCluster({ replica: false }); });
afterAll(async () => { await cluster?.destroy(); });

/** A new empty database on the test server: every test starts from nothing. */
const freshDatabase = () => freshDb(cluster.primary);

const open = (dsn: string, sinks: readonly string[]) => openPostgresIncidentStore({ dsn, sinks, logger });

describeIncidentStoreContract('PostgreSQL', async (sinks) => {
  const db = await freshDatabase();
  let store: IncidentStore = await open(db.dsn, sinks);
  return {
    get store() { return store; },
    async reopen() {
      await store.close();
      store = await open(db.dsn, sinks);
      return store;
    },
    async destroy() {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL store: several processes on one database', () => {
  it('four replicas starting at once migrate once, under the lock, and all open', async () => {
    const db = await freshDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => open(db.dsn, ['a'])));
    try {
      const pool = createPool({ dsn: db.dsn, logger });
      try {
        const applied = (await pool.query<{ version: number }>('SELECT version FROM statusgraph_migrations ORDER BY version')).rows.map((r) => r.version);
        expect(applied).toEqual(PG_MIGRATIONS.map((m) => m.version));
        expect(await migratePostgres(pool)).toEqual({ from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION });
      } finally {
        await pool.end();
      }
      // Every replica works on the one schema: an incident written by one is read by the others.
      const id = await stores[0]!.createManual({ title: 'shared', components: ['db'], blastRadius: [], severity: 'major', author: 'api', at: 1 });
      for (const s of stores) expect((await s.get(id))?.title).toBe('shared');
    } finally {
      for (const s of stores) await s.close();
      await db.drop();
    }
  });

  it('refuses a database from a newer statusgraph and leaves it untouched', async () => {
    const db = await freshDatabase();
    const pool = createPool({ dsn: db.dsn, logger });
    try {
      await migratePostgres(pool);
      await pool.query('INSERT INTO statusgraph_migrations (version) VALUES ($1)', [PG_SCHEMA_VERSION + 1]);
      await expect(open(db.dsn, [])).rejects.toThrow(/newer than this statusgraph supports/);
      const applied = (await pool.query<{ version: number }>('SELECT version FROM statusgraph_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(applied).toEqual([...PG_MIGRATIONS.map((m) => m.version), PG_SCHEMA_VERSION + 1]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });

  it('a failed migration step rolls back whole and is retried at the next start', async () => {
    const db = await freshDatabase();
    const pool = createPool({ dsn: db.dsn, logger });
    try {
      const broken = [...PG_MIGRATIONS, { version: PG_SCHEMA_VERSION + 1, sql: 'ALTER TABLE incidents ADD COLUMN a TEXT; SELECT * FROM no_such_table' }];
      await expect(migratePostgres(pool, broken)).rejects.toThrow(/no_such_table/);
      const cols = (await pool.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'incidents'")).rows.map((r) => r.column_name);
      expect(cols).not.toContain('a');
      expect(await migratePostgres(pool)).toEqual({ from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION });
    } finally {
      await pool.end();
      await db.drop();
    }
  });

  it('applies a version that arrives after a higher one was applied: a database at 5 without 4 gets 4 (maintenance)', async () => {
    const db = await freshDatabase();
    const pool = createPool({ dsn: db.dsn, logger });
    const tables = async () => (await pool.query<{ t: string | null }>(
      "SELECT to_regclass('maintenance_windows')::text AS t UNION ALL SELECT to_regclass('maintenance_annotations')::text")).rows.map((r) => r.t);
    const applied = async () => (await pool.query<{ version: number }>('SELECT version FROM statusgraph_migrations ORDER BY version')).rows.map((r) => r.version);
    try {
      expect(PG_MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5]);
      // As main shipped it: the cluster's version 5 before maintenance's 4 existed.
      const withoutFour = PG_MIGRATIONS.filter((m) => m.version !== 4);
      expect(await migratePostgres(pool, withoutFour)).toEqual({ from: 0, to: PG_SCHEMA_VERSION });
      expect(await applied()).toEqual([1, 2, 3, 5]);
      expect(await tables()).toEqual([null, null]);
      expect(await migratePostgres(pool)).toEqual({ from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION });
      expect(await applied()).toEqual([1, 2, 3, 4, 5]);
      expect(await tables()).toEqual(['maintenance_windows', 'maintenance_annotations']);
      // Nothing left to apply: a second start changes nothing.
      expect(await migratePostgres(pool)).toEqual({ from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION });
      expect(await applied()).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });

  it('two stores claiming due work at once get disjoint incidents (SKIP LOCKED), and neither takes the other\'s claim', async () => {
    const db = await freshDatabase();
    const [a, b] = [await open(db.dsn, ['s']), await open(db.dsn, ['s'])];
    try {
      for (let i = 0; i < 30; i++) await a.createManual({ title: `i${i}`, components: ['db'], blastRadius: [], severity: 'major', author: 'api', at: 1 });
      const [da, dbb] = await Promise.all([a.dueDeliveries('s', { coalesce: false, now: 10 }), b.dueDeliveries('s', { coalesce: false, now: 10 })]);
      const ia = new Set(da.map((d) => d.incidentId));
      const ib = new Set(dbb.map((d) => d.incidentId));
      expect([...ia].filter((id) => ib.has(id))).toEqual([]);
      expect(ia.size + ib.size).toBe(30);
      // The rest of b's view: nothing of a's while a's claims hold, nor a time sooner than their end.
      expect(await b.dueDeliveries('s', { coalesce: false, now: 20 })).toHaveLength(ib.size);
      for (const d of dbb) await b.delivered(d);
      expect(await b.dueDeliveries('s', { coalesce: false, now: 20 })).toEqual([]);
      expect(await b.nextDeliveryAt('s')).toBeGreaterThan(20);
      // A claim runs out: a process that died holding it does not hold the queue for ever.
      expect(await b.dueDeliveries('s', { coalesce: false, now: 10 + 120_001 })).toHaveLength(ia.size);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('three processes\' outbox workers deliver every change of 40 incidents exactly once, in order per incident', async () => {
    const db = await freshDatabase();
    const stores = [await open(db.dsn, ['count']), await open(db.dsn, ['count']), await open(db.dsn, ['count'])];
    const seen: Array<{ incident: number; seq: number; by: number }> = [];
    const sink = (by: number): IncidentSink => ({
      name: 'count', coalesce: false,
      async deliver(change): Promise<DeliveryResult> {
        seen.push({ incident: change.incidentId, seq: change.seq, by });
        // A little I/O time, so the workers really overlap.
        await new Promise((r) => setTimeout(r, 2));
        return { outcome: 'delivered' };
      },
      async close() {},
    });
    try {
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push(await stores[0]!.createManual({ title: `i${i}`, components: ['db'], blastRadius: [], severity: 'major', author: 'api', at: Date.now() }));
      for (const id of ids) await stores[1]!.addUpdate(id, { text: 'update', author: 'api', at: Date.now() });
      for (const id of ids.slice(0, 20)) await stores[2]!.resolve(id, { author: 'api', at: Date.now() });
      const workers = stores.map((store, by) => startOutbox({ store, sinks: [sink(by)], logger, now: Date.now, baseDelayMs: 10, maxDelayMs: 100, jitter: 0 }));
      try {
        await until('every change delivered', async () => (await stores[0]!.outbox()).length === 0, 60_000, 50);
      } finally {
        for (const w of workers) await w.close();
      }
      const expected = 40 + 40 + 20;
      expect(seen).toHaveLength(expected);
      expect(new Set(seen.map((s) => s.seq)).size).toBe(expected);
      for (const id of ids) {
        const mine = seen.filter((s) => s.incident === id).map((s) => s.seq);
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }
      // The work was shared, not done by one process while the others idled.
      expect(new Set(seen.map((s) => s.by)).size).toBeGreaterThan(1);
    } finally {
      for (const s of stores) await s.close();
      await db.drop();
    }
  });
});

describe('statusgraph migrate --config FILE on PostgreSQL', () => {
  it('brings the schema to this version once, then has nothing to do; a wrong password fails without showing it', async () => {
    const db = await freshDatabase();
    const dir = tempDir('sg-migrate-');
    try {
      const file = path.join(dir.path, 'sg.yml');
      fs.writeFileSync(file, `data_dir: ${dir.path}/data\nstore:\n  kind: postgres\n  dsn: \${PG_DSN}\ncomponents:\n  - { name: api, tier: service, probes: [{ kind: http, url: "http://127.0.0.1:1" }] }\n`);
      const run = (dsn: string) => spawnSync(process.execPath, [CLI, 'migrate', '--config', file], { env: { ...process.env, PG_DSN: dsn }, encoding: 'utf8' });
      const first = run(db.dsn);
      expect([first.status, first.stdout]).toEqual([0, `incident store PostgreSQL: schema version 0 -> ${PG_SCHEMA_VERSION}\n`]);
      const second = run(db.dsn);
      expect([second.status, second.stdout]).toEqual([0, `incident store PostgreSQL: schema version ${PG_SCHEMA_VERSION}, nothing to do\n`]);
      const wrongPassword = 'not-the-Passw0rd-42';
      const wrong = run(cluster.primary.dsn({ password: wrongPassword, database: db.dsn.split('/').pop()! }));
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/^statusgraph migrate: cannot start: password authentication failed for user "postgres"\n$/);
      expect(wrong.stderr + wrong.stdout).not.toContain(wrongPassword);
    } finally {
      dir.remove();
      await db.drop();
    }
  });
});
