import { describe, expect, it } from 'vitest';
import { layoutGraph, type GraphLayout, type LayoutEdgeInput, type LayoutNodeInput, type Point } from '@statusgraph/core';
import { REFERENCE, referenceEdges } from '../support/reference.js';

const refNodes: LayoutNodeInput[] = REFERENCE.map((c) => ({ id: c.name, tier: c.tier }));
const refEdges = referenceEdges();

function byId(l: GraphLayout) {
  return new Map(l.nodes.map((n) => [n.id, n]));
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Seeded generator so "random" graphs are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomDag(seed: number, n: number, m: number): { nodes: LayoutNodeInput[]; edges: LayoutEdgeInput[] } {
  const rnd = lcg(seed);
  const tiers = ['service', 'infrastructure', 'third-party'];
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${String(i).padStart(3, '0')}`, tier: tiers[Math.floor(rnd() * 3)] }));
  const edges: LayoutEdgeInput[] = [];
  for (let i = 0; i < m; i++) {
    const a = Math.floor(rnd() * n);
    const b = Math.floor(rnd() * n);
    if (a === b) {
      continue;
    }
    const [u, v] = a < b ? [a, b] : [b, a];
    edges.push({ source: nodes[u]!.id, target: nodes[v]!.id });
  }
  return { nodes, edges };
}

/** Proper crossings between the straight segments of routed polylines, from the geometry alone. */
function geometricCrossings(l: GraphLayout): number {
  const segs: Array<[Point, Point, number]> = [];
  l.edges.forEach((e, i) => {
    for (let j = 0; j + 1 < e.points.length; j++) {
      segs.push([e.points[j]!, e.points[j + 1]!, i]);
    }
  });
  const orient = (a: Point, b: Point, c: Point) => Math.sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
  let count = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const [a, b, ei] = segs[i]!;
      const [c, d, ej] = segs[j]!;
      if (ei === ej) {
        continue;
      }
      const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
      if (o1 * o2 < 0 && o3 * o4 < 0) {
        count++;
      }
    }
  }
  return count;
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) {
    return [xs];
  }
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('layoutGraph', () => {
  it('puts every dependency after its dependents, left to right', () => {
    const l = layoutGraph({ nodes: refNodes, edges: refEdges }, { direction: 'LR' });
    const n = byId(l);
    expect(l.nodes).toHaveLength(14);
    for (const e of refEdges) {
      expect(n.get(e.source)!.layer).toBeLessThan(n.get(e.target)!.layer);
      expect(n.get(e.source)!.x + n.get(e.source)!.width).toBeLessThanOrEqual(n.get(e.target)!.x);
    }
    // The longest chain frontend → api-gateway → auth → replica → primary sets five layers.
    expect(l.layers).toBe(5);
    expect(n.get('postgresql-primary')!.layer).toBe(4);
  });

  it('flows top to bottom when asked', () => {
    const l = layoutGraph({ nodes: refNodes, edges: refEdges }, { direction: 'TB' });
    const n = byId(l);
    for (const e of refEdges) {
      expect(n.get(e.source)!.y + n.get(e.source)!.height).toBeLessThanOrEqual(n.get(e.target)!.y);
    }
    expect(l.height).toBeGreaterThan(l.width / 4);
  });

  it('never overlaps two nodes and keeps everything inside the drawing', () => {
    for (const opts of [{}, { groupByTier: true }, { direction: 'TB' as const }, { direction: 'TB' as const, groupByTier: true }]) {
      const g = randomDag(7, 60, 110);
      const l = layoutGraph(g, opts);
      for (let i = 0; i < l.nodes.length; i++) {
        const a = l.nodes[i]!;
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.y).toBeGreaterThanOrEqual(0);
        expect(a.x + a.width).toBeLessThanOrEqual(l.width);
        expect(a.y + a.height).toBeLessThanOrEqual(l.height);
        for (let j = i + 1; j < l.nodes.length; j++) {
          expect(overlaps(a, l.nodes[j]!), `${a.id} / ${l.nodes[j]!.id}`).toBe(false);
        }
      }
    }
  });

  it('is deterministic: shuffled input gives the identical layout', () => {
    const a = layoutGraph({ nodes: refNodes, edges: refEdges }, { groupByTier: true });
    const rnd = lcg(42);
    const shuffle = <T,>(xs: T[]) => xs.map((x) => [rnd(), x] as const).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
    const b = layoutGraph({ nodes: shuffle([...refNodes]), edges: shuffle([...refEdges]) }, { groupByTier: true });
    expect(b).toEqual(a);
  });

  it('routes each edge from the source border to the target border through every layer between', () => {
    const l = layoutGraph({ nodes: refNodes, edges: refEdges });
    const n = byId(l);
    expect(l.edges).toHaveLength(refEdges.length);
    for (const e of l.edges) {
      const s = n.get(e.source)!;
      const t = n.get(e.target)!;
      expect(e.points[0]!.x).toBe(s.x + s.width);
      expect(e.points.at(-1)!.x).toBe(t.x);
      expect(e.points).toHaveLength(2 * (t.layer - s.layer));
      for (let i = 1; i < e.points.length; i++) {
        expect(e.points[i]!.x).toBeGreaterThan(e.points[i - 1]!.x);
      }
    }
  });

  it('reports the crossings its geometry actually has', () => {
    for (const seed of [1, 2, 3]) {
      const l = layoutGraph(randomDag(seed, 40, 70));
      expect(l.crossings).toBe(geometricCrossings(l));
    }
  });

  it('comes close to the minimum number of crossings on small two-layer graphs', () => {
    // Crossing minimisation is NP-hard; the heuristic must match brute force on most graphs and
    // stay near it overall.
    let heuristicTotal = 0;
    let optimumTotal = 0;
    let optimal = 0;
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const rnd = lcg(seed);
      const top = ['a', 'b', 'c', 'd', 'e'];
      const bottom = ['v', 'w', 'x', 'y', 'z'];
      const edges: LayoutEdgeInput[] = [];
      for (const t of top) {
        for (const b of bottom) {
          if (rnd() < 0.3) {
            edges.push({ source: t, target: b });
          }
        }
      }
      // Give every node an edge so all sit in their intended layer.
      top.forEach((t, i) => edges.push({ source: t, target: bottom[(i * 3) % 5]! }));
      bottom.forEach((b, i) => edges.push({ source: top[(i * 2) % 5]!, target: b }));
      const uniq = [...new Map(edges.map((e) => [`${e.source}-${e.target}`, e])).values()];
      let optimum = Infinity;
      const topOrders = permutations(top).map((p) => new Map(p.map((t, i) => [t, i])));
      const bottomOrders = permutations(bottom).map((p) => new Map(p.map((b, i) => [b, i])));
      for (const tpos of topOrders) {
        for (const pos of bottomOrders) {
          let c = 0;
          for (let i = 0; i < uniq.length && c < optimum; i++) {
            for (let j = i + 1; j < uniq.length; j++) {
              const e = uniq[i]!, f = uniq[j]!;
              if ((tpos.get(e.source)! - tpos.get(f.source)!) * (pos.get(e.target)! - pos.get(f.target)!) < 0) {
                c++;
              }
            }
          }
          optimum = Math.min(optimum, c);
        }
      }
      const l = layoutGraph({ nodes: [...top, ...bottom].map((id) => ({ id })), edges: uniq });
      expect(l.crossings).toBeGreaterThanOrEqual(optimum);
      heuristicTotal += l.crossings;
      optimumTotal += optimum;
      if (l.crossings === optimum) {
        optimal++;
      }
    }
    expect(optimal).toBeGreaterThanOrEqual(5);
    expect(heuristicTotal).toBeLessThanOrEqual(Math.ceil(optimumTotal * 1.15));
  });

  it('reduces crossings compared with the order nodes arrive in', () => {
    const g = randomDag(5, 80, 150);
    const l = layoutGraph(g, { sweeps: 12 });
    const noSweeps = layoutGraph(g, { sweeps: 0 });
    expect(l.crossings).toBeLessThan(noSweeps.crossings);
  });

  it('keeps each tier inside its own band, bands in tier order', () => {
    const l = layoutGraph({ nodes: refNodes, edges: refEdges }, { groupByTier: true });
    expect(l.bands.map((b) => b.tier)).toEqual(['service', 'infrastructure', 'third-party']);
    for (const n of l.nodes) {
      const band = l.bands.find((b) => b.tier === n.tier)!;
      expect(n.y).toBeGreaterThanOrEqual(band.y);
      expect(n.y + n.height).toBeLessThanOrEqual(band.y + band.height);
    }
    for (let i = 1; i < l.bands.length; i++) {
      expect(l.bands[i]!.y).toBeGreaterThanOrEqual(l.bands[i - 1]!.y + l.bands[i - 1]!.height);
    }
    expect(layoutGraph({ nodes: refNodes, edges: refEdges }).bands).toEqual([]);
  });

  it('keeps tier bands, with room for their labels, top to bottom too', () => {
    const l = layoutGraph({ nodes: refNodes, edges: refEdges }, { direction: 'TB', groupByTier: true, bandLabel: 22 });
    for (let i = 1; i < l.bands.length; i++) {
      expect(l.bands[i]!.x).toBeGreaterThanOrEqual(l.bands[i - 1]!.x + l.bands[i - 1]!.width);
    }
    for (const band of l.bands) {
      const inside = l.nodes.filter((n) => n.tier === band.tier);
      for (const n of inside) {
        expect(n.x).toBeGreaterThanOrEqual(band.x);
        expect(n.x + n.width).toBeLessThanOrEqual(band.x + band.width);
        // The label is written at the band's top: nodes start below it.
        expect(n.y).toBeGreaterThanOrEqual(band.y + 22);
        expect(n.y + n.height).toBeLessThanOrEqual(band.y + band.height);
      }
    }
    expect(l.bands.every((b) => b.y + b.height <= l.height)).toBe(true);
  });

  it('lays out a cycle by reversing one edge, and still draws it from source to target', () => {
    const l = layoutGraph({
      nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      edges: [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }, { source: 'c', target: 'a' }],
    });
    const n = byId(l);
    expect(l.nodes).toHaveLength(3);
    expect(l.edges.filter((e) => e.reversed)).toHaveLength(1);
    for (const e of l.edges) {
      const s = n.get(e.source)!;
      const t = n.get(e.target)!;
      const first = e.points[0]!;
      const last = e.points.at(-1)!;
      expect(Math.abs(first.x - (s.x + s.width / 2))).toBeLessThanOrEqual(s.width / 2);
      expect(Math.abs(last.x - (t.x + t.width / 2))).toBeLessThanOrEqual(t.width / 2);
    }
  });

  it('ignores self-dependencies and duplicate edges', () => {
    const l = layoutGraph({
      nodes: [{ id: 'a' }, { id: 'b' }],
      edges: [{ source: 'a', target: 'a' }, { source: 'a', target: 'b' }, { source: 'a', target: 'b' }],
    });
    expect(l.edges).toHaveLength(1);
  });

  it('handles an empty graph', () => {
    const l = layoutGraph({ nodes: [], edges: [] });
    expect(l.nodes).toEqual([]);
    expect(l.layers).toBe(0);
    expect(Number.isFinite(l.width) && Number.isFinite(l.height)).toBe(true);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => layoutGraph({ nodes: [{ id: 'a' }, { id: 'a' }], edges: [] })).toThrow(/duplicate node id "a"/);
    expect(() => layoutGraph({ nodes: [{ id: 'a' }], edges: [{ source: 'a', target: 'x' }] })).toThrow(/target "x" is not a node/);
    expect(() => layoutGraph({ nodes: [{ id: '' }], edges: [] })).toThrow(/non-empty string id/);
    expect(() => layoutGraph({ nodes: [], edges: [] }, { direction: 'RL' as never })).toThrow(/LR or TB/);
    expect(() => layoutGraph({ nodes: [], edges: [] }, { nodeGap: -1 })).toThrow(/nodeGap/);
  });
});
