/*
 * Audience pages as the composition root sees them: one tracker per page fed by every snapshot,
 * the public state history behind the uptime bars (one history store per page under
 * data_dir/pages/<id>), automatic notices, and publishing. Its HTTP side is publicpage/.
 */
import type { MaintenanceWindowView } from '@statusgraph/core';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config, PageConfig } from '../config/types.js';
import { ensureDataDir } from '../data-files.js';
import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';
import { ZERO_COUNTS } from '../engine/attribution.js';
import { storeUptime, UPTIME_DAYS, type UptimeReport } from '../history/index.js';
import { HistoryStore } from '../history/store.js';
import type { PublicIncident, PublicIncidentStore } from '../incidents/public.js';
import { autoPublish } from './auto.js';
import type { PublicStatus } from './derive.js';
import { createPublisher, type Publisher } from './publish.js';
import type { PageJsonInput } from './statuspage-json.js';
import { PageTracker, type PageState, type TrackedComponent } from './tracker.js';

export interface PagesDeps {
  readonly config: Config;
  readonly store: PublicIncidentStore;
  readonly now: () => number;
  readonly logger: Logger;
  /** Maintenance windows to announce (issue 19): recent, active and upcoming ones. */
  readonly maintenances?: () => readonly MaintenanceWindowView[];
  /** See PublisherDeps. */
  readonly pageUrl?: (page: string) => string | undefined;
  readonly onNoted?: (incidentId: number) => Promise<void>;
}

export interface Pages {
  readonly publisher: Publisher;
  list(): readonly PageConfig[];
  /** Settles once the snapshot's automatic notices were written (or failed, logged). */
  onSnapshot(s: Snapshot): Promise<void>;
  setConfig(c: Config): void;
  state(id: string): PageState | undefined;
  /** What the public documents of a page are built from. */
  input(id: string, baseUrl: string): Promise<PageJsonInput | undefined>;
  /**
   * Bumped by every snapshot and every public-incident write of this process, once it is written:
   * a document built at one revision is the same until the next (the routers cache by it).
   */
  revision(): number;
  uptime(id: string): UptimeReport | undefined;
  /** Public incidents of an internal incident, on every page (the internal view). */
  forIncident(incidentId: number): Promise<PublicIncident[]>;
  /** The newest public incidents of every page (the internal view). */
  publicIncidents(limit: number): Promise<PublicIncident[]>;
  close(): void;
}

const AS_STATE = { operational: 'operational', under_maintenance: 'operational', degraded_performance: 'degraded', partial_outage: 'partial_outage', major_outage: 'major_outage' } as const satisfies Record<PublicStatus, string>;

/** The page's public components as a snapshot, so the history store keeps their states as it does internal ones. */
function historySnapshot(s: Snapshot, components: readonly TrackedComponent[]): Snapshot {
  const list: ComponentStatus[] = components.map((c) => ({
    name: c.id, tier: 'service', displayName: c.name, environment: 'public', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state: AS_STATE[c.status], since: c.since,
    maintenance: c.status === 'under_maintenance', impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [],
    dependents: [], probes: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS,
  }));
  return { ...s, components: list, byName: new Map(list.map((c) => [c.name, c])) };
}

/** `shown`: the public incidents last read, served while the store cannot be read (a page must stay up). */
interface Entry { tracker: PageTracker; history: HistoryStore; shown: readonly PublicIncident[] }

export function createPages(deps: PagesDeps): Pages {
  const logger = deps.logger.child({ subsystem: 'pages' });
  let config = deps.config;
  const entries = new Map<string, Entry>();
  const sync = (c: Config) => {
    for (const p of c.pages ?? []) {
      if (entries.has(p.id)) continue;
      const dir = path.join(c.dataDir, 'pages', p.id);
      ensureDataDir(path.dirname(dir));
      ensureDataDir(dir);
      entries.set(p.id, { tracker: new PageTracker(p, deps.now()), history: new HistoryStore({ dataDir: dir, now: deps.now }), shown: [] });
    }
    for (const [id, e] of entries) {
      if ((c.pages ?? []).some((p) => p.id === id)) continue;
      e.history.close();
      entries.delete(id);
    }
  };
  sync(config);
  const pageOf = (id: string) => (config.pages ?? []).find((p) => p.id === id);
  let noticesDone: Promise<void> = Promise.resolve();
  let revision = 0;
  const written = <A extends unknown[], T>(fn: (...a: A) => Promise<T>) => async (...a: A): Promise<T> => {
    try {
      return await fn(...a);
    } finally {
      revision++;
    }
  };
  const made = createPublisher({
    store: deps.store, pages: () => config.pages ?? [], now: deps.now,
    ...(deps.pageUrl ? { pageUrl: deps.pageUrl } : {}), ...(deps.onNoted ? { onNoted: deps.onNoted } : {}),
  });
  const publisher: Publisher = { ...made, publish: written(made.publish), addUpdate: written(made.addUpdate) };
  return {
    publisher,
    revision: () => revision,
    list: () => config.pages ?? [],
    onSnapshot(s) {
      const notices: Array<() => Promise<void>> = [];
      for (const page of config.pages ?? []) {
        const e = entries.get(page.id)!;
        e.tracker.update(s, page);
        const components = e.tracker.current().components;
        try {
          // Best effort, as the internal history: a full disk must not stop the page.
          e.history.record(historySnapshot(s, components));
        } catch (err) {
          logger.error({ event: 'page_history_failed', page: page.id, error: (err as Error).message }, 'public state history not written');
        }
        notices.push(() => autoPublish(page, components, deps.store, s.at).catch((err: unknown) => {
          logger.error({ event: 'auto_publish_failed', page: page.id, error: (err as Error).message }, 'automatic notice not written');
        }));
      }
      // One snapshot's notices after the previous one's: each reads the open notices it may add to.
      revision++;
      const run = noticesDone.then(async () => {
        for (const n of notices) await n();
        revision++;
      });
      noticesDone = run;
      return run;
    },
    setConfig(c) {
      config = c;
      sync(c);
    },
    state: (id) => (pageOf(id) ? entries.get(id)?.tracker.current() : undefined),
    async input(id, baseUrl) {
      const e = pageOf(id) ? entries.get(id) : undefined;
      if (!e) return undefined;
      try {
        e.shown = await deps.store.listPublic({ page: id, limit: 50 });
      } catch (err) {
        // The store is out of reach (PostgreSQL down): the page still answers, with what it last showed.
        logger.warn({ event: 'page_incidents_unread', page: id, error: (err as Error).message }, 'public incidents not read; serving the last ones read');
      }
      return {
        state: e.tracker.current(), incidents: e.shown, baseUrl, now: deps.now(),
        ...(deps.maintenances ? { maintenances: deps.maintenances() } : {}),
      };
    },
    uptime(id) {
      const page = pageOf(id);
      const e = page ? entries.get(id) : undefined;
      return e ? storeUptime(e.history, page!.components.map((c) => c.id), UPTIME_DAYS, deps.now()) : undefined;
    },
    forIncident: (incidentId) => deps.store.listPublic({ incidentId }),
    publicIncidents: (limit) => deps.store.listPublic({ limit }),
    close() {
      for (const e of entries.values()) e.history.close();
      entries.clear();
    },
  };
}
