/*
 * The contract every maintenance store backend passes (SQLite now; PostgreSQL later is one module
 * plus one call of this function). Every call is awaited: the interface is promise-based.
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
