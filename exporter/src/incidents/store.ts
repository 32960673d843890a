/*
 * The incident store as the domain sees it, whatever the backend (SQLite in sqlite/, PostgreSQL
 * later): incidents and their timelines, the change log, and the sinks' outbox. A backend passes
 * exporter/test/incidents/store-contract.ts.
 *
 * Every mutation is one transaction that also records the change and queues it for every enabled
 * sink, so a crash can never leave a destination out of step for good.
 *
 * Every method returns a promise, so a networked backend (PostgreSQL, postgres/) fits the same
 * interface as SQLite (sqlite/, synchronous inside with better-sqlite3). Callers that need a value
 * at once (the /metrics gauges) read the service's cache of open incidents instead.
 */
import type { IncidentChange, RemoteState } from './sink.js';
import type { PublicIncidentStore } from './public.js';
import type { Action, Incident, IncidentWithTimeline, Severity, UpdateStatus } from './types.js';

/**
 * Run first in the transaction of every automatic decision (IncidentStore.apply) on a shared
 * database; throws to refuse the write. With a cluster it is the leader's fencing check
 * (cluster/lease.ts), given at composition (app.ts): a former leader paused past its lease has
 * its decisions rolled back in the same transaction. Manual and public writes are not fenced: a
 * person asked for them on whichever replica answered, and the incident-write lock orders them.
 */
export type DecisionFence = (db: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }, what: string) => Promise<void>;

export interface ManualIncidentInput {
  readonly title: string;
  readonly components: readonly string[];
  readonly blastRadius: readonly string[];
  readonly severity: Severity;
  readonly text?: string;
  readonly author: string;
  readonly at: number;
}

/** One queued change for one sink. */
export interface DeliveryKey {
  readonly sink: string;
  readonly incidentId: number;
  /** `IncidentChange.seq`. */
  readonly seq: number;
}

export interface Delivery extends DeliveryKey {
  readonly change: IncidentChange;
  /** The incident as it is now. */
  readonly incident: Incident;
  /** Failed attempts so far. */
  readonly attempts: number;
  readonly sentAt: number | null;
  readonly remote: RemoteState;
}

/** An outbox row as stored: pending, or kept as permanently failed. */
export interface OutboxEntry extends DeliveryKey {
  readonly state: 'pending' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly sentAt: number | null;
}

export interface SinkOutbox {
  /**
   * Due deliveries of one sink, at most one per incident: its oldest pending change, so each
   * incident's changes arrive in order; with `coalesce`, its newest, which stands for the others.
   */
  dueDeliveries(sink: string, opts: { readonly coalesce: boolean; readonly now: number; readonly limit?: number }): Promise<Delivery[]>;
  /** Epoch ms of the sink's earliest pending attempt, if any. */
  nextDeliveryAt(sink: string): Promise<number | undefined>;
  /** Durably notes that a request of this delivery may have landed (see DeliveryContext.markSent). */
  markSent(key: DeliveryKey, at: number): Promise<void>;
  /** Completes the change and every older pending change of the incident for this sink; remembers `ref`. */
  delivered(key: DeliveryKey, ref?: string): Promise<void>;
  /** One more failed attempt; every pending change of the incident for this sink waits until `nextAttemptAt`. */
  retryLater(key: DeliveryKey, error: string, nextAttemptAt: number): Promise<void>;
  /** Gives up on the change (and older pending ones of the incident): kept as failed, later changes go on. */
  failed(key: DeliveryKey, error: string): Promise<void>;
  remoteState(sink: string, incidentId: number): Promise<RemoteState>;
  /** Pending and failed rows, oldest change first (inspection and tests). */
  outbox(filter?: { readonly sink?: string }): Promise<OutboxEntry[]>;
  /** The incident's change log, oldest first. */
  changes(incidentId: number): Promise<IncidentChange[]>;
}

export interface IncidentStore extends SinkOutbox, PublicIncidentStore {
  /** Where the data lives, for messages. */
  readonly location: string;
  /** Sinks that get a row for every change (the enabled ones, fixed when the store is opened). */
  readonly sinks: readonly string[];
  get(id: number): Promise<IncidentWithTimeline | undefined>;
  list(filter?: { state?: 'open' | 'resolved'; limit?: number }): Promise<Incident[]>;
  openIncidents(): Promise<Incident[]>;
  openCount(): Promise<number>;
  /** Applies one snapshot's decisions atomically; returns the ids of the incidents that changed. */
  apply(actions: readonly Action[], now: number): Promise<number[]>;
  createManual(input: ManualIncidentInput): Promise<number>;
  addUpdate(id: number, update: { text: string; status?: UpdateStatus; author: string; at: number }): Promise<void>;
  resolve(id: number, resolution: { text?: string; author: string; at: number }): Promise<void>;
  close(): Promise<void>;
}

/** A write to an incident that does not exist or is resolved. */
export class IncidentStateError extends Error {}
