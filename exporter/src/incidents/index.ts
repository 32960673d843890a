/*
 * The incident subsystem as the composition root sees it: automatic incidents from snapshots,
 * the Grafana annotation outbox, and the open-incident count for /metrics. Its HTTP routes are
 * http/routes/incidents.ts and http/routes/slack.ts, mounted by app.ts.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Snapshot, StateChange } from '../engine/snapshot.js';
import { createAnnotationClient } from '../grafana/client.js';
import { startAnnotationOutbox, type AnnotationOutbox } from '../grafana/outbox.js';
import type { IncidentPublisher } from './events.js';
import { createIncidentService, type IncidentService } from './service.js';
import { openIncidentStore, type IncidentStore } from './store.js';

export interface IncidentsDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  readonly events: IncidentPublisher;
  /** Tuning for tests; production uses the defaults. */
  readonly grafana?: { readonly timeoutMs?: number; readonly baseDelayMs?: number; readonly maxDelayMs?: number };
}

export interface Incidents {
  onSnapshot(snapshot: Snapshot, changes: readonly StateChange[]): void;
  openCount(): number;
  /** After a successful reload: manual incidents validate against the new components. */
  setConfig(config: Config): void;
  readonly service: IncidentService;
  readonly store: IncidentStore;
  close(): Promise<void>;
}

export function createIncidents(deps: IncidentsDeps): Incidents {
  const logger = deps.logger.child({ subsystem: 'incidents' });
  let config = deps.config;
  // Grafana settings are read once: changing them needs a restart (the outbox keeps pending work).
  const grafana = deps.config.grafana;
  const store = openIncidentStore({ dataDir: config.dataDir, annotate: grafana !== undefined });
  let outbox: AnnotationOutbox | undefined;
  if (grafana) {
    outbox = startAnnotationOutbox({
      store,
      client: createAnnotationClient({ url: grafana.url, token: grafana.token, ...(deps.grafana?.timeoutMs ? { timeoutMs: deps.grafana.timeoutMs } : {}) }),
      logger: logger.child({ worker: 'grafana-annotations' }),
      now: deps.now,
      ...(deps.grafana?.baseDelayMs ? { baseDelayMs: deps.grafana.baseDelayMs } : {}),
      ...(deps.grafana?.maxDelayMs ? { maxDelayMs: deps.grafana.maxDelayMs } : {}),
    });
  }
  const service = createIncidentService({
    store,
    logger,
    now: deps.now,
    config: () => config,
    publish: (e) => deps.events.publishIncident(e),
    onChange: () => outbox?.kick(),
  });
  const open = store.openCount();
  if (open) logger.info({ open }, 'open incidents restored from the store');

  return {
    onSnapshot: (snapshot, changes) => service.onSnapshot(snapshot, changes),
    openCount: () => service.openCount(),
    setConfig(next) {
      config = next;
    },
    service,
    store,
    async close() {
      await outbox?.close();
      store.close();
    },
  };
}
