/*
 * The contract every maintenance store backend passes (SQLite: sqlite-store.test.ts; PostgreSQL
 * against a real server: test/maintenance/postgres-store.test.ts). Every call is awaited: the interface is promise-based.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WindowExistsError, type MaintenanceStore, type StoredWindow } from '../../src/maintenance/store.js';

export interface MaintenanceStoreUnderTest {
  readonly store: MaintenanceStore;
  /** Closes `store` and opens the same data again (a restart). */
  reopen(): Promise<MaintenanceStore>;
  /** Closes whatever is open and deletes the data. */
  destroy(): Promise<void>;
}

export type MaintenanceStoreFactory = () => Promise<MaintenanceStoreUnderTest>;

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
const MIN = 60_000;

const window = (id: string, startMs: number, endMs: number, more: Partial<StoredWindow> = {}): StoredWindow => ({
  id, title: `Work ${id}`, components: ['orders', 'postgresql-primary'], startMs, endMs, author: 'alice', createdAt: T0 - MIN, ...more,
});

export function describeMaintenanceStoreContract(name: string, factory: MaintenanceStoreFactory): void {
  describe(`maintenance store contract: ${name}`, () => {
    const open: MaintenanceStoreUnderTest[] = [];
    afterEach(async () => { for (const s of open.splice(0)) await s.destroy(); });
    const fresh = async () => {
      const s = await factory();
      open.push(s);
      return s;
    };

    it('keeps windows with every field, and lists those that end after a time, by start', async () => {
      const { store } = await fresh();
      await store.create(window('mw-b', T0 + 60 * MIN, T0 + 90 * MIN, { description: 'Upgrade to 17', recoverAfter: 3 }));
      await store.create(window('mw-a', T0, T0 + 30 * MIN));
      await store.create(window('mw-old', T0 - 120 * MIN, T0 - 60 * MIN));
      expect(await store.get('mw-b')).toEqual(window('mw-b', T0 + 60 * MIN, T0 + 90 * MIN, { description: 'Upgrade to 17', recoverAfter: 3 }));
      expect(await store.get('mw-a')).toEqual(window('mw-a', T0, T0 + 30 * MIN));
      expect(await store.get('mw-none')).toBeUndefined();
      expect((await store.windows(T0 - 30 * MIN)).map((w) => w.id)).toEqual(['mw-a', 'mw-b']);
      expect((await store.windows(T0 + 30 * MIN)).map((w) => w.id)).toEqual(['mw-b']);
    });

    it('refuses a taken id and changes nothing', async () => {
      const { store } = await fresh();
      await store.create(window('mw-a', T0, T0 + 30 * MIN));
      await expect(store.create(window('mw-a', T0 + 60 * MIN, T0 + 90 * MIN, { title: 'other' }))).rejects.toBeInstanceOf(WindowExistsError);
      expect(await store.get('mw-a')).toMatchObject({ title: 'Work mw-a', startMs: T0 });
    });

    it('records one early end per occurrence, keyed by window and start', async () => {
      const { store } = await fresh();
      const e = { windowId: 'nightly', startMs: T0, endedAt: T0 + 5 * MIN, reason: 'recovered' as const, author: 'statusgraph' };
      expect(await store.end(e)).toBe(true);
      expect(await store.end({ ...e, endedAt: T0 + 6 * MIN, reason: 'cancelled', author: 'bob' })).toBe(false);
      // The next night's occurrence is another one.
      expect(await store.end({ ...e, startMs: T0 + 1_440 * MIN, endedAt: T0 + 1_445 * MIN })).toBe(true);
      expect(await store.endings(T0)).toEqual([e, { ...e, startMs: T0 + 1_440 * MIN, endedAt: T0 + 1_445 * MIN }]);
      expect(await store.endings(T0 + 6 * MIN)).toHaveLength(1);
    });

    it('queues one annotation per occurrence: the newest body is due, delivery of an older version leaves the newer pending', async () => {
      const { store } = await fresh();
      await store.queueAnnotation({ windowId: 'nightly', startMs: T0, body: '{"v":1}', at: T0 });
      await store.queueAnnotation({ windowId: 'nightly', startMs: T0 + 1_440 * MIN, body: '{"n":1}', at: T0 + 5 });
      expect(await store.dueAnnotations(T0 - 1, 10)).toEqual([]);
      const [first] = await store.dueAnnotations(T0, 10);
      expect(first).toEqual({ windowId: 'nightly', startMs: T0, body: '{"v":1}', version: 1, attempts: 0, ref: null, sentAt: null });
      await store.annotationSent('nightly', T0, T0 + 1);
      await store.annotationFailed('nightly', T0, 'status 500', T0 + 1_000);
      expect(await store.dueAnnotations(T0 + 999, 10)).toEqual([expect.objectContaining({ startMs: T0 + 1_440 * MIN })]);
      // Oldest due first: the next night's (due at T0 + 5) before the retry (due at T0 + 1,000).
      expect((await store.dueAnnotations(T0 + 1_000, 10)).map((a) => [a.startMs, a.attempts, a.sentAt])).toEqual([[T0 + 1_440 * MIN, 0, null], [T0, 1, T0 + 1]]);
      // The window ends while version 1 is being delivered: version 2 stays due after 1 is done.
      await store.queueAnnotation({ windowId: 'nightly', startMs: T0, body: '{"v":2}', at: T0 + 2_000 });
      await store.annotationDelivered('nightly', T0, 1, '41');
      expect((await store.dueAnnotations(T0 + 2_000, 10)).filter((a) => a.startMs === T0)).toEqual([
        { windowId: 'nightly', startMs: T0, body: '{"v":2}', version: 2, attempts: 0, ref: '41', sentAt: T0 + 1 },
      ]);
      await store.annotationDelivered('nightly', T0, 2, '41');
      expect((await store.dueAnnotations(T0 + 9_000, 10)).map((a) => a.startMs)).toEqual([T0 + 1_440 * MIN]);
    });

    it('keeps windows and endings across a restart', async () => {
      const s = await fresh();
      await s.store.create(window('mw-a', T0, T0 + 30 * MIN));
      await s.store.end({ windowId: 'mw-a', startMs: T0, endedAt: T0 + MIN, reason: 'cancelled', author: 'bob' });
      const again = await s.reopen();
      expect(await again.get('mw-a')).toEqual(window('mw-a', T0, T0 + 30 * MIN));
      expect(await again.endings(0)).toEqual([{ windowId: 'mw-a', startMs: T0, endedAt: T0 + MIN, reason: 'cancelled', author: 'bob' }]);
    });
  });
}
