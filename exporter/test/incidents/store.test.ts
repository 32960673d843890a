import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../src/incidents/sqlite/migrations.js';
import { DB_FILE, openIncidentStore } from '../../src/incidents/sqlite/store.js';
import type { IncidentStore } from '../../src/incidents/store.js';
import { tempDir } from './support.js';
import type { Action } from '../../src/incidents/types.js';

const T0 = Date.UTC(2026, 10, 21, 7, 0, 0);
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

function fresh(sinks: readonly string[] = ['grafana']): { store: IncidentStore; dir: string } {
  const dir = tempDir('sg-store-');
  const store = openIncidentStore({ dataDir: dir.path, sinks });
  cleanups.push(async () => { await store.close(); dir.remove(); });
  return { store, dir: dir.path };
}

const openDb: Action = {
  type: 'open', rootCause: 'db', title: 'db: Major outage', severity: 'critical', components: ['api', 'db'], blastRadius: ['api'],
  tookDown: ['db'], at: T0, entry: { at: T0, kind: 'opened', author: 'statusgraph', text: 'Opened', component: 'db', to: 'major_outage' },
};

describe('incident store', () => {
  it('creates the schema at the latest version in WAL mode', async () => {
    const { store, dir } = fresh();
    await store.close();
    const db = new Database(path.join(dir, DB_FILE), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => (r as { name: string }).name);
      expect(tables).toEqual(expect.arrayContaining(['incident_changes', 'incidents', 'sink_outbox', 'sink_state', 'timeline']));
      expect(tables).not.toContain('annotation_outbox');
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer version and leaves it untouched', async () => {
    const dir = tempDir('sg-store-');
    cleanups.push(() => dir.remove());
    const db = new Database(path.join(dir.path, DB_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openIncidentStore({ dataDir: dir.path, sinks: [] })).toThrow(/newer than this statusgraph/);
    const again = new Database(path.join(dir.path, DB_FILE), { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(again.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    again.close();
  });

  it('applies later migrations on top of an existing database, each once, keeping its rows', async () => {
    const { store, dir } = fresh();
    await store.apply([openDb], T0);
    await store.close();
    const db = new Database(path.join(dir, DB_FILE));
    try {
      const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, sql: 'ALTER TABLE incidents ADD COLUMN postmortem_url TEXT' }];
      expect(migrate(db, next)).toBe(SCHEMA_VERSION + 1);
      expect(migrate(db, next)).toBe(SCHEMA_VERSION + 1); // a second run has nothing to do (it would fail on a duplicate column)
      expect(db.prepare('SELECT root_cause, postmortem_url FROM incidents').all()).toEqual([{ root_cause: 'db', postmortem_url: null }]);
      const broken = [...next, { version: SCHEMA_VERSION + 2, sql: 'ALTER TABLE incidents ADD COLUMN a TEXT; SELECT * FROM no_such_table' }];
      expect(() => migrate(db, broken)).toThrow(/no_such_table/);
      // The failed step rolled back whole: version and columns are as before.
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
      expect(db.prepare('SELECT * FROM incidents').columns().map((c) => c.name)).not.toContain('a');
    } finally {
      db.close();
    }
  });

  it('keeps incidents across a reopen and does not migrate twice', async () => {
    const { store, dir } = fresh();
    await store.apply([openDb], T0);
    await store.close();
    const again = openIncidentStore({ dataDir: dir, sinks: ['grafana'] });
    try {
      const open = await again.openIncidents();
      expect(open.map((i) => [i.id, i.rootCause, i.status])).toEqual([[1, 'db', 'investigating']]);
      expect((await again.get(1))!.timeline.map((e) => e.text)).toEqual(['Opened']);
    } finally {
      await again.close();
    }
  });

  it('enforces one open automatic incident per root cause in the database', async () => {
    const { store } = fresh();
    await store.apply([openDb], T0);
    await expect(store.apply([{ ...openDb, at: T0 + 1 }], T0 + 1)).rejects.toThrow(/UNIQUE/);
    // The failed transaction left nothing behind.
    expect(await store.list()).toHaveLength(1);
    expect((await store.get(1))!.timeline).toHaveLength(1);
  });

  it('rolls back a whole snapshot when one action fails', async () => {
    const { store } = fresh();
    const bad: Action = { type: 'entry', ref: { id: 99 }, entry: { at: T0, kind: 'state_change', author: 'statusgraph', text: 'x' } };
    await expect(store.apply([openDb, bad], T0)).rejects.toThrow(/names no incident/);
    expect(await store.list()).toEqual([]);
    expect(await store.outbox()).toEqual([]);
  });

  it('joins, resolves and records the resolution time', async () => {
    const { store } = fresh();
    await store.apply([openDb], T0);
    await store.apply([{ type: 'join', ref: { root: 'db' }, component: 'api', blastRadius: ['api'] }], T0 + 1000);
    await store.apply([{ type: 'resolve', ref: { id: 1 }, at: T0 + 5000, entry: { at: T0 + 5000, kind: 'resolved', author: 'statusgraph', text: 'ok', status: 'resolved' } }], T0 + 5000);
    const inc = (await store.get(1))!;
    expect(inc.tookDown).toEqual(['api', 'db']);
    expect(inc.status).toBe('resolved');
    expect(inc.resolvedAt).toBe(T0 + 5000);
    expect(await store.openCount()).toBe(0);
    expect((await store.list({ state: 'resolved' })).map((i) => i.id)).toEqual([1]);
    expect(await store.list({ state: 'open' })).toEqual([]);
  });

  it('queues every change for every enabled sink, and nothing when no sink is on', async () => {
    const on = fresh(['grafana']).store;
    on.apply([openDb], T0);
    const key = { sink: 'grafana', incidentId: 1 };
    const due = (now: number) => on.dueDeliveries('grafana', { coalesce: true, now });
    expect((await due(T0)).map((d) => [d.incidentId, d.change.kind])).toEqual([[1, 'opened']]);
    await on.delivered({ ...key, seq: (await due(T0))[0]!.seq }, '42');
    expect(await due(T0 + 10)).toEqual([]);
    on.addUpdate(1, { text: 'looking', author: 'api', at: T0 + 20 });
    const [upd] = await due(T0 + 20);
    expect([upd!.change.kind, upd!.remote.ref]).toEqual(['updated', '42']);
    await on.retryLater(upd!, 'down', T0 + 1000);
    expect(await due(T0 + 999)).toEqual([]);
    expect(await on.nextDeliveryAt('grafana')).toBe(T0 + 1000);
    const off = fresh([]).store;
    off.apply([openDb], T0);
    expect(await off.outbox()).toEqual([]);
    expect(await off.dueDeliveries('grafana', { coalesce: true, now: T0 + 1 })).toEqual([]);
  });

  it('rejects updates and resolution of a resolved incident without writing', async () => {
    const { store } = fresh();
    const id = await store.createManual({ title: 'Slow checkout', components: ['web'], blastRadius: [], severity: 'minor', author: '@bob', at: T0 });
    await store.resolve(id, { author: '@bob', at: T0 + 1000 });
    const before = await store.get(id);
    await expect(store.addUpdate(id, { text: 'more', author: 'api', at: T0 + 2000 })).rejects.toThrow(/resolved/);
    await expect(store.resolve(id, { author: 'api', at: T0 + 2000 })).rejects.toThrow(/resolved/);
    expect(await store.get(id)).toEqual(before);
  });
});
