/**
 * One latency ring per probe, fed from snapshots. Rings of probes that left the config are
 * dropped, so a reload never leaves memory behind.
 */
import type { Snapshot } from '../engine/snapshot.js';
import { LatencyRing, type LatencyBucket, type LatencyRingOptions } from './ring.js';

export interface ProbeLatency {
  readonly component: string;
  readonly probe: string;
  readonly widthMs: number;
  readonly buckets: readonly LatencyBucket[];
}

export class LatencyRings {
  private readonly rings = new Map<string, { ring: LatencyRing; component: string; probe: string; lastAt: number }>();

  constructor(private readonly options: LatencyRingOptions = {}) {}

  record(s: Snapshot): void {
    const live = new Set<string>();
    for (const c of s.components) {
      for (const p of c.probes) {
        const key = `${c.name}\u0000${p.name}`;
        live.add(key);
        let entry = this.rings.get(key);
        if (!entry) {
          entry = { ring: new LatencyRing(this.options), component: c.name, probe: p.name, lastAt: -Infinity };
          this.rings.set(key, entry);
        }
        // A snapshot repeats results of probes that have not run again since: count each once.
        if (!c.checked || p.checkedAt <= entry.lastAt) continue;
        entry.lastAt = p.checkedAt;
        // Inconclusive results (e.g. a vendor page that could not be read) say nothing about latency.
        if (p.inconclusive) continue;
        entry.ring.add(p.checkedAt, p.success ? p.durationSeconds : undefined);
      }
    }
    for (const key of [...this.rings.keys()]) if (!live.has(key)) this.rings.delete(key);
  }

  series(now: number): ProbeLatency[] {
    return [...this.rings.values()].map((e) => ({
      component: e.component,
      probe: e.probe,
      widthMs: e.ring.widthMs,
      buckets: e.ring.snapshot(now),
    }));
  }

  get probeCount(): number {
    return this.rings.size;
  }
}
