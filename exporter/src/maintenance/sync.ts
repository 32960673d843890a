/*
 * Re-reading a shared maintenance store (PostgreSQL, several replicas): another replica's ad hoc
 * window, cancel or early end is in force here within one probe interval, not after a restart.
 *
 * Why a timed re-read rather than LISTEN/NOTIFY: the read is two indexed SELECTs (ends_at,
 * ended_at) of what ended within the last week, once per interval (30 s by default). At 1,000
 * stored windows it takes 6.2 ms median (max 42 ms, 20 reads, loopback, loaded 2-core machine;
 * printed by test/maintenance/postgres-sync.test.ts), about 0.02% of the interval.
 * LISTEN needs a dedicated connection outside the store's two-connection pool, its own reconnect,
 * and a full re-read after every reconnect anyway (notifications sent while disconnected are lost),
 * so it would add this same read plus the connection machinery to gain under one interval.
 */
import type { Logger } from 'pino';
import type { MaintenanceStore, StoredWindow, WindowEnding } from './store.js';

export interface SyncDeps {
  readonly store: Pick<MaintenanceStore, 'windows' | 'endings'>;
  readonly logger: Logger;
  readonly now: () => number;
  /** What the windows read must end after, and the endings be recorded at or after, at `t`. */
  readonly since: (t: number) => { readonly windows: number; readonly endings: number };
  /** Queues a read behind the service's writes: a read begun before a local create cannot undo it. */
  readonly serial: <T>(f: () => Promise<T>) => Promise<T>;
  /** Takes what was read; true when it differs from what the service held. */
  readonly apply: (windows: StoredWindow[], endings: WindowEnding[]) => boolean;
  /** The cover must be recomputed and published. */
  readonly changed: () => Promise<void>;
}

export interface Sync {
  /** Starts a read in the background when the last began `intervalMs` ago or more and none is running. */
  due(intervalMs: number): void;
  /** Reads now (the caller is already serialised); a failure keeps what was known. */
  load(): Promise<void>;
}

export function syncer(deps: SyncDeps): Sync {
  const { store, logger, now } = deps;
  let last = now();
  let running = false;
  let failing = false;
  const load = async (): Promise<void> => {
    last = now();
    const since = deps.since(last);
    let read: [StoredWindow[], WindowEnding[]];
    try {
      read = await Promise.all([store.windows(since.windows), store.endings(since.endings)]);
    } catch (err) {
      // Logged once per outage: the last windows known stay in force meanwhile.
      if (!failing) logger.warn({ event: 'maintenance_read_failed', err: String(err) }, 'could not re-read maintenance windows; keeping the last ones known');
      failing = true;
      return;
    }
    if (failing) logger.info({ event: 'maintenance_read_recovered' }, 'maintenance windows read again');
    failing = false;
    if (deps.apply(...read)) await deps.changed();
  };
  return {
    due(intervalMs) {
      if (running || now() - last < intervalMs) return;
      running = true;
      last = now();
      void deps.serial(load)
        .catch((err: unknown) => logger.error({ event: 'maintenance_sync_failed', err: String(err) }, 'maintenance windows re-read failed'))
        .finally(() => { running = false; });
    },
    load,
  };
}
