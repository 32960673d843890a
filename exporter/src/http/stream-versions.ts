/*
 * What changed since a stream version: the SSE hub sends a full `snapshot` once per connection
 * and `diff` events after it. Pure: the tracker only compares snapshots it is given.
 *
 * A version is `<epoch>.<seq>`: the snapshot's seq (monotonic for the life of the process, carried
 * over reloads) and a random epoch per process, so a version from before a restart is never taken
 * for one of this process. The snapshot builder reuses a component's frozen status object while
 * nothing of it changes, so "changed" is an identity check, O(components) per update with no
 * serialisation (10,000 components: a map walk, not 7 MB of JSON).
 */
import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';

export interface Changes {
  /** The seq the changes are counted from. */
  readonly since: number;
  /** The tracker's current seq: applying the changes brings a client to this version. */
  readonly seq: number;
  readonly changed: readonly ComponentStatus[];
  /** Names no longer in the snapshot (a reload removed them), and not back since. */
  readonly removed: readonly string[];
}

export interface StreamTracker {
  readonly epoch: string;
  /** Records the components that changed in `s` (newer snapshots only). */
  update(s: Snapshot): void;
  current(): number;
  /** What changed after `since`; undefined when it cannot be told (too old): send a full snapshot. */
  since(since: number): Changes | undefined;
  /** `<epoch>.<seq>` of a seq of this tracker. */
  version(seq: number): string;
  /** The seq of a version string if it is of this epoch, else undefined. */
  parse(version: string | undefined): number | undefined;
}

export function createStreamTracker(epoch: string, maxRemovals = 10_000): StreamTracker {
  const entries = new Map<string, { status: ComponentStatus; seq: number }>();
  let removals: { name: string; seq: number }[] = [];
  let current = 0;
  let previous: readonly ComponentStatus[] = [];
  /** The oldest `since` that can be answered: the first snapshot seen, raised when removals are forgotten. */
  let floor = Number.POSITIVE_INFINITY;

  return {
    epoch,
    update(s) {
      if (s.seq <= current) return;
      if (current === 0) floor = s.seq;
      current = s.seq;
      // Same components in the same order (every snapshot but the first after a reload): an array
      // walk touching the map only for the ones that changed: 0.09 ms at 10,000 with 100 changed (tsx, this machine).
      let same = previous.length === s.components.length;
      for (let i = 0; same && i < s.components.length; i++) {
        const c = s.components[i]!;
        const p = previous[i]!;
        if (c === p) continue;
        if (c.name !== p.name) same = false;
        else { const e = entries.get(c.name)!; e.status = c; e.seq = s.seq; }
      }
      if (!same) {
        for (const c of s.components) {
          const e = entries.get(c.name);
          if (!e) entries.set(c.name, { status: c, seq: s.seq });
          else if (e.status !== c) { e.status = c; e.seq = s.seq; }
        }
        for (const name of [...entries.keys()]) {
          if (!s.byName.has(name)) { entries.delete(name); removals.push({ name, seq: s.seq }); }
        }
      }
      previous = s.components;
      if (removals.length > maxRemovals) {
        const cut = removals.length - maxRemovals;
        floor = Math.max(floor, removals[cut - 1]!.seq);
        removals = removals.slice(cut);
      }
    },
    current: () => current,
    since(since) {
      if (current === 0 || since < floor) return undefined;
      // A client ahead of the tracker (it read /api/v1/components after a snapshot the hub has
      // not seen yet) misses nothing: every later change is counted after `current`.
      const from = Math.min(since, current);
      const changed: ComponentStatus[] = [];
      for (const e of entries.values()) if (e.seq > from) changed.push(e.status);
      const removed = [...new Set(removals.filter((r) => r.seq > from && !entries.has(r.name)).map((r) => r.name))];
      return { since: from, seq: current, changed, removed };
    },
    version: (seq) => `${epoch}.${seq}`,
    parse(version) {
      const m = /^([A-Za-z0-9_-]+)\.(\d{1,15})$/.exec(version ?? '');
      return m && m[1] === epoch ? Number(m[2]) : undefined;
    },
  };
}
