/*
 * Two exporter processes on one PostgreSQL database (store: { kind: postgres }, as the replicas of
 * a cluster): a window created through one's API is in force on the other without a restart, and
 * its cancel likewise, through the once-per-interval re-read (exporter/src/maintenance/sync.ts).
 * Also prints what that re-read costs at 1,000 stored windows (a figure for the comment, not asserted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openPostgresMaintenanceStore } from '../../exporter/src/maintenance/postgres/store.js';
import type { RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { freshDatabase, startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { HttpTarget } from '../support/targets.js';
import { startPostgresExporter } from './support.js';

const TOKEN = 'maint-sync-token-41ab';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let pg: PostgresCluster;

beforeAll(async () => { pg = await startPostgresCluster({ replica: false }); });
afterAll(async () => { await pg?.destroy(); });

const covered = async (e: RunningExporter): Promise<boolean> =>
  ((await e.components()) as { name: string; underMaintenance?: boolean }[]).find((c) => c.name === 'db')?.underMaintenance === true;

describe('maintenance windows across processes on one PostgreSQL database', () => {
  it('a window created through one process is in force on the other within an interval, and its cancel likewise', async () => {
    const db = await freshDatabase(pg.primary, 'sg_msync');
    const svc = await HttpTarget.start();
    const start = () => startPostgresExporter(db.dsn, svc.url, TOKEN);
    const [a, b] = await Promise.all([start(), start()]);
    try {
      expect(await covered(b)).toBe(false);
      const r = await fetch(`${a.url}/api/v1/maintenance`, { method: 'POST', headers, body: JSON.stringify({ components: ['db'], duration: '30m', title: 'Disk swap' }) });
      expect(r.status).toBe(201);
      const { id } = (await r.json()) as { id: string };
      // Before this change b saw it only after a restart: the wait is for the next re-read (1 s).
      await until('window in force on b', () => covered(b));
      expect(await (await fetch(`${b.url}/api/v1/maintenance/${id}`, { headers })).json()).toMatchObject({ id, title: 'Disk swap', status: 'active' });
      const c = await fetch(`${a.url}/api/v1/maintenance/${id}/cancel`, { method: 'POST', headers, body: '{}' });
      expect(c.status).toBe(200);
      await until('cancel in force on b', async () => !(await covered(b)));
      expect(await (await fetch(`${b.url}/api/v1/maintenance/${id}`, { headers })).json()).toMatchObject({ id, status: 'cancelled' });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await svc.down();
      await db.drop();
    }
  }, 120_000);

  it('reports what the re-read costs at 1,000 stored windows', async () => {
    const db = await freshDatabase(pg.primary, 'sg_msync');
    const store = await openPostgresMaintenanceStore({ dsn: db.dsn, logger: pino({ level: 'silent' }) });
    try {
      const t0 = Date.now();
      for (let i = 0; i < 1_000; i++) {
        await store.create({ id: `mw-${i}`, title: `Work ${i}`, components: ['db', 'orders'], startMs: t0 + i * 60_000, endMs: t0 + i * 60_000 + 30_000, author: 'alice', createdAt: t0 });
      }
      const runs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        const [w] = await Promise.all([store.windows(t0 - 7 * 86_400_000), store.endings(0)]);
        runs.push(performance.now() - s);
        expect(w).toHaveLength(1_000);
      }
      runs.sort((x, y) => x - y);
      console.log(`maintenance re-read at 1,000 windows: median ${runs[10]!.toFixed(2)} ms, max ${runs[19]!.toFixed(2)} ms (20 reads)`);
    } finally {
      await store.close();
      await db.drop();
    }
  }, 120_000);
});
