/*
 * The incident subsystem as the composition root sees it: automatic incidents from snapshots,
 * the API and Slack routes, the outbox that mirrors changes to the sinks it is given (built from the
 * config by sinks/registry.ts at the composition root), and the open-incident count for /metrics.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Snapshot, StateChange } from '../engine/snapshot.js';
import type { EventHub } from '../http/events.js';
import { slackRoutes } from '../slack/handler.js';
import { incidentRoutes } from './api.js';
import { jsonErrors } from './http-errors.js';
import { startOutbox } from './outbox.js';
import { createIncidentService, type IncidentService } from './service.js';
import type { IncidentSink } from './sink.js';
import { openIncidentStore } from './sqlite/store.js';
import type { IncidentStore } from './store.js';

export interface IncidentsDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  readonly events: EventHub;
  /**
   * Where changes are mirrored, read once at start: changing them needs a restart (the outbox keeps
   * their pending work meanwhile). The incidents own them from here and close them.
   */
  readonly sinks: readonly IncidentSink[];
  /** Retry tuning for tests; production uses the outbox defaults. */
  readonly outbox?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
}

export interface Incidents {
  onSnapshot(snapshot: Snapshot, changes: readonly StateChange[]): void;
  openCount(): number;
  /** /api/v1/incidents... and /slack/commands, with JSON errors. */
  router(auth: { read: RequestHandler; write: RequestHandler }): Router;
  /** After a successful reload: manual incidents validate against the new components, Slack uses the new secret. */
  setConfig(config: Config): void;
  readonly service: IncidentService;
  readonly store: IncidentStore;
  close(): Promise<void>;
}

export function createIncidents(deps: IncidentsDeps): Incidents {
  const logger = deps.logger.child({ subsystem: 'incidents' });
  let config = deps.config;
  const store = openIncidentStore({ dataDir: config.dataDir, sinks: deps.sinks.map((s) => s.name) });
  const outbox = startOutbox({ store, sinks: deps.sinks, logger, now: deps.now, ...deps.outbox });
  const service = createIncidentService({
    store,
    logger,
    now: deps.now,
    config: () => config,
    publish: (e) => deps.events.publishIncident(e),
    onChange: () => outbox.kick(),
  });
  const open = store.openCount();
  if (open) logger.info({ open }, 'open incidents restored from the store');

  return {
    onSnapshot: (snapshot, changes) => service.onSnapshot(snapshot, changes),
    openCount: () => service.openCount(),
    router(auth) {
      const router = express.Router();
      router.use(incidentRoutes(service, auth, deps.now));
      router.use(slackRoutes({ service, signingSecret: () => config.slack?.signingSecret, now: deps.now, logger }));
      router.use(jsonErrors(logger));
      return router;
    },
    setConfig(next) {
      config = next;
    },
    service,
    store,
    async close() {
      await outbox.close();
      store.close();
    },
  };
}
