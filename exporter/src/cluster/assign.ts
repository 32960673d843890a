/*
 * Which replicas probe which component: rendezvous (highest random weight) hashing. Each
 * replica scores each component with a hash of both names; a component goes to the R replicas
 * with the highest scores. Every replica computes the same answer from the same member list, with
 * no coordination, and when a replica joins or leaves only the components whose top R changes
 * move: on average R/n of them (a join) or the leaver's own (a leave), never a reshuffle.
 */

/** The default number of probers per component once there are two replicas or more. */
export const DEFAULT_REPLICATION = 2;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser for an even spread of the high bits. */
export function score(replica: string, component: string): number {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  };
  mix(replica);
  // A separator that names cannot hold ([a-z0-9-] and host names), so ("ab","c") != ("a","bc").
  h ^= 0xff;
  h = Math.imul(h, 0x01000193);
  mix(component);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** How many replicas probe each component: the configured R (2 by default), at most the members. */
export function effectiveReplication(configured: number | undefined, members: number): number {
  return Math.max(0, Math.min(configured ?? DEFAULT_REPLICATION, members));
}

/**
 * The probers of `component` among `members`, best score first (ties, which need equal 32-bit
 * hashes, go to the smaller name so that every replica agrees).
 */
export function probersOf(component: string, members: readonly string[], r: number): string[] {
  const scored = members.map((m) => ({ m, s: score(m, component) }));
  scored.sort((a, b) => b.s - a.s || (a.m < b.m ? -1 : a.m > b.m ? 1 : 0));
  return scored.slice(0, r).map((x) => x.m);
}

/** Component -> its probers, for every component. */
export function assign(components: readonly string[], members: readonly string[], r: number): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  const unique = [...new Set(members)];
  for (const c of components) out.set(c, probersOf(c, unique, r));
  return out;
}

/** The components `replica` probes: its share. */
export function shareOf(replica: string, assignment: ReadonlyMap<string, readonly string[]>): Set<string> {
  const out = new Set<string>();
  for (const [c, probers] of assignment) if (probers.includes(replica)) out.add(c);
  return out;
}

/** Components whose prober set differs between two assignments (what a membership change moved). */
export function moved(before: ReadonlyMap<string, readonly string[]>, after: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [c, a] of after) {
    const b = before.get(c) ?? [];
    if (a.length !== b.length || a.some((m) => !b.includes(m))) out.push(c);
  }
  return out;
}
