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
}

export interface Pages {
  readonly publisher: Publisher;
  list(): readonly PageConfig[];
  onSnapshot(s: Snapshot): void;
  setConfig(c: Config): void;
  state(id: string): PageState | undefined;
  /** What the public documents of a page are built from. */
  input(id: string, baseUrl: string): PageJsonInput | undefined;
  uptime(id: string): UptimeReport | undefined;
  /** Public incidents of an internal incident, on every page (the internal view). */
  forIncident(incidentId: number): PublicIncident[];
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

interface Entry { tracker: PageTracker; history: HistoryStore }

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
      entries.set(p.id, { tracker: new PageTracker(p, deps.now()), history: new HistoryStore({ dataDir: dir, now: deps.now }) });
    }
    for (const [id, e] of entries) {
      if ((c.pages ?? []).some((p) => p.id === id)) continue;
      e.history.close();
      entries.delete(id);
    }
  };
  sync(config);
  const pageOf = (id: string) => (config.pages ?? []).find((p) => p.id === id);
  const publisher = createPublisher({ store: deps.store, pages: () => config.pages ?? [], now: deps.now });
  return {
    publisher,
    list: () => config.pages ?? [],
    onSnapshot(s) {
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
        try {
          autoPublish(page, components, deps.store, s.at);
        } catch (err) {
          logger.error({ event: 'auto_publish_failed', page: page.id, error: (err as Error).message }, 'automatic notice not written');
        }
      }
    },
    setConfig(c) {
      config = c;
      sync(c);
    },
    state: (id) => (pageOf(id) ? entries.get(id)?.tracker.current() : undefined),
    input(id, baseUrl) {
      const e = pageOf(id) ? entries.get(id) : undefined;
      if (!e) return undefined;
      return {
        state: e.tracker.current(), incidents: deps.store.listPublic({ page: id, limit: 50 }), baseUrl, now: deps.now(),
        ...(deps.maintenances ? { maintenances: deps.maintenances() } : {}),
      };
    },
    uptime(id) {
      const page = pageOf(id);
      const e = page ? entries.get(id) : undefined;
      return e ? storeUptime(e.history, page!.components.map((c) => c.id), UPTIME_DAYS, deps.now()) : undefined;
    },
    forIncident: (incidentId) => deps.store.listPublic({ incidentId }),
    close() {
      for (const e of entries.values()) e.history.close();
      entries.clear();
    },
  };
}
