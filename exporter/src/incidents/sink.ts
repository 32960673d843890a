/*
 * What "something that mirrors incidents" is (Grafana annotations, a webhook, later Slack threads).
 * The incident domain owns this interface; implementations live in sinks/ and are chosen at
 * composition through sinks/registry.ts. A sink only talks to its destination: retries, backoff,
 * ordering and the memory of what it posted are the outbox's (outbox.ts, the store).
 */
import type { Incident, TimelineEntry } from './types.js';

export type ChangeKind = 'opened' | 'updated' | 'resolved';

/** One committed change to one incident: one per incident per store transaction. */
export interface IncidentChange {
  /** Store-wide, increasing: orders the changes of one incident. */
  readonly seq: number;
  readonly incidentId: number;
  readonly kind: ChangeKind;
  readonly at: number;
  /** The timeline entries this change wrote, oldest first. */
  readonly entries: readonly TimelineEntry[];
}

/** What a sink remembers about one incident at its destination, kept by the store per (sink, incident). */
export interface RemoteState {
  /** The destination's own handle (Grafana's annotation id, a Slack thread `ts`); null until known. */
  readonly ref: string | null;
  /** When a request that may have created something remote, without a known `ref`, first left. */
  readonly sentAt: number | null;
}

export type DeliveryResult =
  /** Done; `ref` (when given) is remembered for the incident's later changes. */
  | { readonly outcome: 'delivered'; readonly ref?: string }
  /** Try again after the outbox's backoff, or after `retryAfterMs` if that is longer (HTTP 429). */
  | { readonly outcome: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  /** Never going to work (a 4xx the destination will repeat): kept as failed, not retried. */
  | { readonly outcome: 'failed'; readonly error: string };

export interface DeliveryContext {
  /** 1 for the first attempt of this delivery. */
  readonly attempt: number;
  readonly remote: RemoteState;
  /** When an earlier attempt of this same change sent a request whose outcome is unknown. */
  readonly sentAt: number | null;
  /**
   * Call right before a request that is not idempotent leaves: it is stored durably first, so an
   * attempt after a lost answer or a kill -9 sees `sentAt` / `remote.sentAt` and can look for what
   * the first request created instead of creating it twice.
   */
  markSent(): Promise<void>;
}

export interface IncidentSink {
  /** Unique among the enabled sinks, stable across restarts: it keys the outbox and remote state. */
  readonly name: string;
  /**
   * true: the destination shows the incident's current state (an annotation), so only the newest
   * pending change is delivered and it stands for the older ones. false: every change is delivered,
   * in order (a thread reply per update).
   */
  readonly coalesce: boolean;
  /** `incident` is its state now, not at `change.at`. Throwing counts as `retry`. */
  deliver(change: IncidentChange, incident: Incident, ctx: DeliveryContext): Promise<DeliveryResult>;
  close(): Promise<void>;
}
