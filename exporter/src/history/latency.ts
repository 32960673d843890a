/**
 * One latency ring per probe, fed from snapshots. Rings of probes that left the config are
 * dropped, so a reload never leaves memory behind.
 */
import type { Snapshot } from '../engine/snapshot.js';
import { DEFAULT_BUCKETS, LatencyRing, ringStorage, type LatencyBucket, type LatencyRingOptions, type RingStorage } from './ring.js';

export interface ProbeLatency {
  readonly component: string;
  readonly probe: string;
  readonly widthMs: number;
  readonly buckets: readonly LatencyBucket[];
}

/** Rings allocated together in one buffer: 256 x 1.4 KB. */
const RINGS_PER_BUFFER = 256;

interface Entry {
  readonly ring: LatencyRing;
  readonly storage: RingStorage;
  lastAt: number;
  /** Snapshot sequence that last listed this probe. */
  seen: number;
}

export class LatencyRings {
  /** component -> probe -> ring: looked up without building a key string per probe and snapshot. */
  private readonly rings = new Map<string, Map<string, Entry>>();
  private count = 0;
  private generation = 0;
  /** Storage of removed rings and not yet used storage, taken before a new buffer is made. */
  private readonly spare: RingStorage[] = [];

  constructor(private readonly options: LatencyRingOptions = {}) {}

  record(s: Snapshot): void {
    const generation = ++this.generation;
    let listed = 0;
    for (const c of s.components) {
      let probes = this.rings.get(c.name);
      if (!probes) this.rings.set(c.name, (probes = new Map()));
      if (!c.checked) {
        // Until every probe of a component has run, its snapshot lists only some: keep the
        // others' rings (refilled from the store at startup) rather than dropping them.
        for (const e of probes.values()) {
          e.seen = generation;
          listed++;
        }
      }
      for (const p of c.probes) {
        const entry = this.entry(probes, p.name);
        if (entry.seen !== generation) listed++;
        entry.seen = generation;
        // A snapshot repeats results of probes that have not run again since: count each once.
        if (!c.checked || p.checkedAt <= entry.lastAt) continue;
        entry.lastAt = p.checkedAt;
        // Inconclusive results (e.g. a vendor page that could not be read) say nothing about latency.
        if (p.inconclusive) continue;
        entry.ring.add(p.checkedAt, p.success ? p.durationSeconds : undefined);
      }
    }
    // Probes that left the config (a reload): only then is the whole map walked.
    if (listed === this.count) return;
    for (const [component, probes] of this.rings) {
      for (const [name, entry] of probes) {
        if (entry.seen !== generation) {
          probes.delete(name);
          this.spare.push(entry.storage);
          this.count--;
        }
      }
      if (probes.size === 0) this.rings.delete(component);
    }
  }

  /**
   * Stored results replayed at startup, oldest first (`at`: the newest result summed in). Rings of
   * probes the first snapshot does not list are dropped by it, as after a reload.
   */
  seed(component: string, probe: string, at: number, count: number, sumSeconds: number, maxSeconds: number, failures: number): void {
    let probes = this.rings.get(component);
    if (!probes) this.rings.set(component, (probes = new Map()));
    const entry = this.entry(probes, probe);
    entry.ring.addSummed(at, count, sumSeconds, maxSeconds, failures);
    entry.lastAt = Math.max(entry.lastAt, at);
  }

  private entry(probes: Map<string, Entry>, name: string): Entry {
    let entry = probes.get(name);
    if (!entry) {
      const storage = this.take();
      entry = { ring: new LatencyRing(this.options, storage), storage, lastAt: -Infinity, seen: this.generation };
      probes.set(name, entry);
      this.count++;
    }
    return entry;
  }

  private take(): RingStorage {
    if (this.spare.length === 0) this.spare.push(...ringStorage(this.options.maxBuckets ?? DEFAULT_BUCKETS, RINGS_PER_BUFFER).reverse());
    return this.spare.pop()!;
  }

  /** Every probe's buckets, or only those of `components` (the page asks for the rows it shows). */
  series(now: number, components?: readonly string[]): ProbeLatency[] {
    const out: ProbeLatency[] = [];
    const push = (component: string, probes: Map<string, Entry>) => {
      for (const [probe, e] of probes) out.push({ component, probe, widthMs: e.ring.widthMs, buckets: e.ring.snapshot(now) });
    };
    if (components) {
      for (const name of components) {
        const probes = this.rings.get(name);
        if (probes) push(name, probes);
      }
    } else {
      for (const [component, probes] of this.rings) push(component, probes);
    }
    return out;
  }

  get probeCount(): number {
    return this.count;
  }
}
