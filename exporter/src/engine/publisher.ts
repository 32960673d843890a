import type { Logger } from 'pino';
import type { Clock, TimerHandle } from './clock.js';
import type { Transition } from './round.js';
import type { Snapshot, StateChange } from './snapshot.js';

export type SnapshotListener = (snapshot: Snapshot, changes: readonly StateChange[]) => void;

export interface PublisherDeps {
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Builds the next snapshot; called once at construction and once per publish. */
  readonly build: () => Snapshot;
  /** Sees each published snapshot before the listeners do (not the initial one). */
  readonly published?: (snapshot: Snapshot) => void;
}

/** Urgent results wait this long for others to join them: interval/100, within 25-500 ms. */
export function publishDelayMs(intervalMs: number): number {
  return Math.min(500, Math.max(25, intervalMs / 100));
}

/**
 * Every snapshot costs O(components) in each consumer (SSE, incidents, history, /metrics), so
 * results that change nothing visible but numbers are batched: ten snapshots per interval
 * instead of one per publish window. Anything that changes a state is published at once.
 */
export function refreshDelayMs(intervalMs: number): number {
  return Math.min(5_000, Math.max(publishDelayMs(intervalMs), intervalMs / 10));
}

/**
 * Publishes snapshots to listeners, coalescing results over a short window, with the state
 * changes that happened since the last one; logs each change once, with its root causes.
 */
export class Publisher {
  private readonly listeners: SnapshotListener[] = [];
  private readonly pending: Transition[] = [];
  private readonly publishDelayMs: number;
  private readonly refreshDelayMs: number;
  private timer?: TimerHandle;
  private dueAt = 0;
  private stopped = false;
  private current: Snapshot;

  constructor(private readonly deps: PublisherDeps) {
    this.publishDelayMs = publishDelayMs(deps.intervalMs);
    this.refreshDelayMs = refreshDelayMs(deps.intervalMs);
    this.current = deps.build();
  }

  onSnapshot(listener: SnapshotListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  snapshot(): Snapshot {
    return this.current;
  }

  /** A state change, delivered (and logged) with the next snapshot. */
  change(transition: Transition): void {
    this.pending.push(transition);
  }

  /**
   * Urgent: a state, a probe's success, a reason or maintenance changed, so alerts and incidents
   * must see it within the publish window. Otherwise only latencies moved: the refresh will do.
   */
  schedule(urgent: boolean): void {
    if (this.stopped) return;
    const { clock } = this.deps;
    const delay = urgent ? this.publishDelayMs : this.refreshDelayMs;
    const due = clock.now() + delay;
    if (this.timer !== undefined) {
      if (due >= this.dueAt) return;
      clock.clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.publish();
    }, delay);
  }

  private publish(): void {
    const snapshot = this.deps.build();
    this.current = snapshot;
    this.deps.published?.(snapshot);
    const changes: StateChange[] = this.pending.splice(0).map((c) => ({
      ...c,
      rootCauses: snapshot.byName.get(c.component)?.rootCauses ?? [],
    }));
    const { logger } = this.deps;
    for (const ch of changes) {
      logger.info({
        event: 'state_change', component: ch.component, from: ch.from, to: ch.to,
        reason: ch.reason ?? null, root_cause: ch.rootCauses.length ? ch.rootCauses.join(',') : null,
      }, `${ch.component}: ${ch.from} -> ${ch.to}`);
    }
    for (const l of this.listeners) {
      try {
        l(snapshot, changes);
      } catch (err) {
        this.deps.logger.error({ err }, 'snapshot listener failed');
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
  }
}
