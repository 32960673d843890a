/*
 * Snapshots whose incident changes could not be recorded (full or read-only disk), kept in order
 * so they are applied later with their own timestamps: an outage that began while the disk was full
 * opens at the snapshot that saw it, with its first state change, once the disk has room. Dropping
 * them (as before) recorded the outage at the first snapshot after recovery (12 s late in the
 * issue 14 test) and lost the state-change entries in between.
 *
 * Bounded: a snapshot without state changes only stands for "the latest state", so it is replaced
 * by the next one; at most MAX_SNAPSHOTS are kept, and when one more comes the oldest is folded into
 * the next (its changes move there, so their entries keep their true times; only an incident it
 * would have opened opens one snapshot later). A snapshot of 10,000 components is a few MB, hence
 * 50 (a disk full for the span of 50 state-changing publishes).
 */
import type { Snapshot, StateChange } from '../engine/snapshot.js';

export const MAX_SNAPSHOTS = 50;
/** Changes kept across folded snapshots (the newest win): ~200 bytes each. */
export const MAX_CHANGES = 10_000;

export interface PendingSnapshot {
  readonly snapshot: Snapshot;
  readonly changes: readonly StateChange[];
}

export interface PendingQueue {
  push(snapshot: Snapshot, changes: readonly StateChange[]): void;
  /** The oldest snapshot not yet recorded. */
  head(): PendingSnapshot | undefined;
  /** The head was recorded. */
  shift(): void;
  /** Drops every queued snapshot (another process decides from now on). */
  clear(): void;
  readonly size: number;
}

export function pendingQueue(maxSnapshots = MAX_SNAPSHOTS, maxChanges = MAX_CHANGES): PendingQueue {
  const items: PendingSnapshot[] = [];
  return {
    push(snapshot, changes) {
      if (items.at(-1)?.changes.length === 0) items.pop();
      items.push({ snapshot, changes });
      if (items.length <= maxSnapshots) return;
      const oldest = items.shift()!;
      const next = items[0]!;
      items[0] = { snapshot: next.snapshot, changes: [...oldest.changes, ...next.changes].slice(-maxChanges) };
    },
    head: () => items[0],
    shift: () => { items.shift(); },
    clear: () => { items.length = 0; },
    get size() { return items.length; },
  };
}
