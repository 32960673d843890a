/*
 * The PostgreSQL maintenance store against a real server (started here on a free loopback port):
 * the same contract suite as SQLite (exporter/test/maintenance/store-contract.ts), plus what only
 * a shared database has to hold: a window created by one replica is read by another, an id taken
 * by one is refused to the other, and the incident store and the maintenance store migrate one
 * schema between them (v4 is the maintenance tables) whichever opens first. Then as a process:
 * `store: { kind: postgres }` puts the API's ad hoc windows there, not under data_dir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { PG_MIGRATIONS } from '../../exporter/src/incidents/postgres/migrations.js';
import { createPool } from '../../exporter/src/incidents/postgres/pool.js';
import { openPostgresIncidentStore } from '../../exporter/src/incidents/postgres/store.js';
import { openPostgresMaintenanceStore } from '../../exporter/src/maintenance/postgres/store.js';
import { WindowExistsError, type MaintenanceStore } from '../../exporter/src/maintenance/store.js';
import { describeMaintenanceStoreContract } from '../../exporter/test/maintenance/store-contract.js';
import { freshDatabase as freshDb, startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { HttpTarget } from '../support/targets.js';
import { startPostgresExporter } from './support.js';

const logger = pino({ level: 'silent' });
let cluster: PostgresCluster;

beforeAll(async () => { cluster = await startPostgresCluster({ replica: false }); });
afterAll(async () => { await cluster?.destroy(); });

/** A new empty database on the test server: every test starts from nothing. */
const freshDatabase = () => freshDb(cluster.primary, 'sg_maint');

const open = (dsn: string) => openPostgresMaintenanceStore({ dsn, logger });

describeMaintenanceStoreContract('PostgreSQL', async () => {
  const db = await freshDatabase();
  let store: MaintenanceStore = await open(db.dsn);
  return {
    get store() { return store; },
    async reopen() {
      await store.close();
      store = await open(db.dsn);
      return store;
    },
    async destroy() {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL maintenance store: replicas on one database', () => {
  const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
  const w = (id: string) => ({ id, title: `Work ${id}`, components: ['orders'], startMs: T0, endMs: T0 + 30 * 60_000, author: 'alice', createdAt: T0 });

  it('two replicas share windows, endings and annotations; a taken id is refused to the other', async () => {
    const db = await freshDatabase();
    const [a, b] = await Promise.all([open(db.dsn), open(db.dsn)]);
    try {
      await a!.create(w('mw-1'));
      expect((await b!.get('mw-1'))?.components).toEqual(['orders']);
      await expect(b!.create(w('mw-1'))).rejects.toBeInstanceOf(WindowExistsError);
      // One early end per occurrence, whichever replica records it first.
      const ending = { windowId: 'mw-1', startMs: T0, endedAt: T0 + 60_000, reason: 'cancelled' as const, author: 'bob' };
      const ended = await Promise.all([a!.end(ending), b!.end({ ...ending, author: 'carol' })]);
      expect(ended.filter(Boolean)).toHaveLength(1);
      expect(await a!.endings(T0)).toHaveLength(1);
      // Two replicas queueing the same occurrence's annotation at once: both versions count.
      await Promise.all([a!.queueAnnotation({ windowId: 'mw-1', startMs: T0, body: '{"v":1}', at: T0 }), b!.queueAnnotation({ windowId: 'mw-1', startMs: T0, body: '{"v":2}', at: T0 })]);
      const due = await b!.dueAnnotations(T0, 10);
      expect(due.map((d) => d.version)).toEqual([2]);
    } finally {
      await a!.close();
      await b!.close();
      await db.drop();
    }
  });

  it('the incident and maintenance stores migrate one schema, whichever opens first, each version once', async () => {
    const db = await freshDatabase();
    const [windows, incidents] = await Promise.all([open(db.dsn), openPostgresIncidentStore({ dsn: db.dsn, sinks: [], logger })]);
    try {
      const pool = createPool({ dsn: db.dsn, logger, max: 1 });
      try {
        const applied = (await pool.query<{ version: number }>('SELECT version FROM statusgraph_migrations ORDER BY version')).rows.map((r) => r.version);
        expect(applied).toEqual(PG_MIGRATIONS.map((m) => m.version));
        expect(applied).toContain(4);
        const tables = (await pool.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE tablename LIKE 'maintenance_%' ORDER BY 1")).rows.map((r) => r.t);
        expect(tables).toEqual(['maintenance_annotations', 'maintenance_endings', 'maintenance_windows']);
      } finally {
        await pool.end();
      }
      await windows.create(w('mw-2'));
      expect((await windows.windows(T0)).map((x) => x.id)).toEqual(['mw-2']);
    } finally {
      await windows.close();
      await incidents.close();
      await db.drop();
    }
  });
});

describe('store: { kind: postgres } keeps the API\'s windows in PostgreSQL', () => {
  const TOKEN = 'maint-pg-token-7c2d';
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

  it('a window created through the API is there for a process killed and started on another data_dir', async () => {
    const db = await freshDatabase();
    const svc = await HttpTarget.start();
    const start = () => startPostgresExporter(db.dsn, svc.url, TOKEN);
    try {
      const first = await start();
      let id: string;
      try {
        const r = await fetch(`${first.url}/api/v1/maintenance`, { method: 'POST', headers, body: JSON.stringify({ components: ['db'], duration: '30m', title: 'Disk swap' }) });
        expect(r.status).toBe(201);
        id = ((await r.json()) as { id: string }).id;
        const pool = createPool({ dsn: db.dsn, logger, max: 1 });
        try {
          expect((await pool.query<{ id: string }>('SELECT id FROM maintenance_windows')).rows.map((x) => x.id)).toEqual([id]);
        } finally {
          await pool.end();
        }
      } finally {
        await first.kill();
      }
      const second = await start();
      try {
        expect(second.dataDir).not.toBe(first.dataDir);
        const r = await fetch(`${second.url}/api/v1/maintenance/${id}`, { headers });
        expect(r.status).toBe(200);
        expect(await r.json()).toMatchObject({ id, title: 'Disk swap', components: ['db'], source: 'adhoc', status: 'active' });
        const comps = (await (await fetch(`${second.url}/api/v1/components`, { headers })).json()) as { components: { name: string; underMaintenance?: boolean }[] };
        expect(comps.components.find((c) => c.name === 'db')?.underMaintenance).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await svc.down();
      await db.drop();
    }
  }, 120_000);
});
