/**
 * The probing path's only cost of the result store: each snapshot's new results are appended to
 * an in-memory queue (no I/O); a timer drains it into the store in one transaction. Bounded: if the
 * disk stalls, the oldest queued results are dropped and counted rather than memory growing.
 */
import type { Snapshot } from '../engine/snapshot.js';
import type { QueuedResult } from './results-store.js';

/** 10 minutes of 10,000 probes at a 30 s interval; ~100 bytes each, ~20 MB at most. */
export const MAX_QUEUED = 200_000;

export class ResultQueue {
  private queue: QueuedResult[] = [];
  /** component -> probe -> checkedAt of the last result queued: snapshots repeat results. */
  private readonly lastAt = new Map<string, Map<string, number>>();
  private dropped = 0;

  constructor(private readonly max = MAX_QUEUED) {}

  onSnapshot(s: Snapshot): void {
    for (const c of s.components) {
      if (!c.checked) continue;
      let probes = this.lastAt.get(c.name);
      if (!probes) this.lastAt.set(c.name, (probes = new Map()));
      for (const p of c.probes) {
        if (p.checkedAt <= (probes.get(p.name) ?? -Infinity)) continue;
        probes.set(p.name, p.checkedAt);
        // Inconclusive results (a vendor page that could not be read) say nothing about the target.
        if (p.inconclusive) continue;
        const latencyUs = Math.max(0, Math.round(p.durationSeconds * 1e6));
        this.queue.push(p.success
          ? { component: c.name, probe: p.name, at: p.checkedAt, latencyUs }
          : { component: c.name, probe: p.name, at: p.checkedAt, latencyUs, reason: p.reason ?? 'failed' });
      }
    }
    if (this.queue.length > this.max) {
      const over = this.queue.length - this.max;
      this.queue.splice(0, over);
      this.dropped += over;
    }
  }

  /** Everything queued, emptying the queue. */
  take(): QueuedResult[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Results dropped since the last call (queue full). */
  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  get size(): number {
    return this.queue.length;
  }
}
