import { describe, expect, it } from 'vitest';
import { checkerHealth } from '../../src/cluster/health.js';
import { assign } from '../../src/cluster/assign.js';

const members = ['a', 'b', 'c'];
const components = Array.from({ length: 60 }, (_, i) => `svc-${i}`);

/** Views as R = 2 probers see them, where the replicas of `broken` fail everything and `down` components really fail. */
function views(broken: readonly string[], down: ReadonlySet<string> = new Set()) {
  const out = new Map<string, Map<string, boolean>>();
  for (const [c, probers] of assign(components, members, 2)) out.set(c, new Map(probers.map((p) => [p, broken.includes(p) || down.has(c)])));
  return out;
}

describe('checker health', () => {
  it('sets aside the one replica that sees its components fail while the others see them fine', () => {
    const h = checkerHealth(views(['b']), members);
    expect([...h.unhealthy]).toEqual(['b']);
    expect(h.scores.get('b')!.alone).toBe(h.scores.get('b')!.compared);
    expect(h.scores.get('a')!.alone).toBe(0);
  });

  it('sets nobody aside for a real outage, where every prober fails together', () => {
    expect(checkerHealth(views([], new Set(components)), members).unhealthy.size).toBe(0);
    expect(checkerHealth(views([], new Set(components.slice(0, 40))), members).unhealthy.size).toBe(0);
  });

  it('sets nobody aside when the disagreeing replicas are not a minority (two of three, one of two)', () => {
    expect(checkerHealth(views(['a', 'b']), members).unhealthy.size).toBe(0);
    const two = new Map([...Array(5).keys()].map((i) => [`c${i}`, new Map([['a', true], ['b', false]])]));
    expect(checkerHealth(two, ['a', 'b']).unhealthy.size).toBe(0);
  });

  it('sets aside two broken replicas of five: each disagrees with the three healthy ones', () => {
    const five = ['a', 'b', 'c', 'd', 'e'];
    const v = new Map<string, Map<string, boolean>>();
    for (const [c, probers] of assign(components, five, 2)) v.set(c, new Map(probers.map((p) => [p, p === 'a' || p === 'b'])));
    expect([...checkerHealth(v, five).unhealthy].sort()).toEqual(['a', 'b']);
  });

  it('sets nobody aside while a replica cannot be judged yet (it just joined, no results)', () => {
    const v = views(['b']);
    for (const byReplica of v.values()) byReplica.delete('c');
    expect(checkerHealth(v, members).unhealthy.size).toBe(0);
  });

  it('says nothing about a replica with too few shared components', () => {
    const few = new Map([['x', new Map([['a', true], ['b', false], ['c', false]])]]);
    expect(checkerHealth(few, members).unhealthy.size).toBe(0);
  });

  it('keeps a replica that fails a minority of its components alone', () => {
    const v = views([]);
    let n = 0;
    for (const byReplica of v.values()) if (byReplica.has('c') && n++ < 5) byReplica.set('c', true);
    expect(checkerHealth(v, members).unhealthy.size).toBe(0);
  });
});
