/*
 * The incident subsystem as the composition root sees it: automatic incidents from snapshots,
 * the outbox that mirrors changes to the sinks it is given (built from the config by
 * sinks/registry.ts at the composition root), and the open-incident count for /metrics. Its HTTP
 * routes are http/routes/incidents.ts and http/routes/slack.ts, mounted by app.ts.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Snapshot, StateChange } from '../engine/snapshot.js';
import { deliveryWaits } from './delivery-waits.js';
import type { IncidentPublisher } from './events.js';
import { startOutbox } from './outbox.js';
import { createIncidentService, type IncidentService } from './service.js';
import type { IncidentSink } from './sink.js';
import { storeBackend } from './backends.js';
import type { DecisionFence, IncidentStore } from './store.js';
import type { Incident } from './types.js';

export interface IncidentsDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  readonly events: IncidentPublisher;
  /**
   * Where changes are mirrored, read once at start: changing them needs a restart (the outbox keeps
   * their pending work meanwhile). The incidents own them from here and close them.
   */
  readonly sinks: readonly IncidentSink[];
  /** Retry tuning for tests; production uses the outbox defaults. */
  readonly outbox?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** Several processes on one database (a cluster): see DecisionFence. */
  readonly fence?: DecisionFence;
  /**
   * Several processes on one database (a cluster): only the one for which `active()` holds claims
   * and delivers (OutboxOptions.active); kickOutbox() when it becomes true.
   */
  readonly outboxGate?: { active(): boolean; readonly pollMs: number };
}

export interface Incidents {
  onSnapshot(snapshot: Snapshot, changes: readonly StateChange[]): Promise<void>;
  /** The open incidents as last read (service cache): /metrics reads them without waiting. */
  openIncidents(): readonly Incident[];
  openCount(): number;
  /** After a successful reload: manual incidents validate against the new components. */
  setConfig(config: Config): void;
  readonly service: IncidentService;
  readonly store: IncidentStore;
  /** See DeliveryWaits.wait: the sink's ref once it has every change of the incident logged so far. */
  delivered(sink: string, incidentId: number, timeoutMs: number): Promise<string | undefined>;
  /** Look at the outbox now (this process became the one that delivers). */
  kickOutbox(): void;
  /** See IncidentService.forgetPending (this process stopped deciding). */
  forgetPending(): void;
  close(): Promise<void>;
}

export async function createIncidents(deps: IncidentsDeps): Promise<Incidents> {
  const logger = deps.logger.child({ subsystem: 'incidents' });
  let config = deps.config;
  const store = await storeBackend(config).open(config, deps.sinks.map((s) => s.name), logger, deps.fence ? { fence: deps.fence } : {});
  const waits = deliveryWaits(store);
  const outbox = startOutbox({
    store, sinks: deps.sinks, logger, now: deps.now, ...deps.outbox, ...(deps.outboxGate ? { gate: deps.outboxGate } : {}),
    onSettled: (sink, key) => waits.settled(sink, key),
  });
  const service = createIncidentService({
    store,
    logger,
    now: deps.now,
    config: () => config,
    publish: (e) => deps.events.publishIncident(e),
    onChange: () => outbox.kick(),
  });
  try {
    await service.refresh();
  } catch (e) {
    await outbox.close();
    await store.close();
    throw e;
  }
  const open = service.openCount();
  if (open) logger.info({ open }, 'open incidents restored from the store');

  return {
    onSnapshot: (snapshot, changes) => service.onSnapshot(snapshot, changes),
    openIncidents: () => service.openIncidents(),
    openCount: () => service.openCount(),
    setConfig(next) {
      config = next;
    },
    service,
    store,
    delivered: (sink, incidentId, timeoutMs) => waits.wait(sink, incidentId, timeoutMs),
    kickOutbox: () => outbox.kick(),
    forgetPending: () => service.forgetPending(),
    async close() {
      waits.close();
      await outbox.close();
      await store.close();
    },
  };
}
