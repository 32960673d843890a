/**
 * Layered (Sugiyama-style) layout of a dependency graph, shared by the Grafana panel and the
 * exporter's status page (both bundle it from this package).
 *
 * Steps: break cycles (DFS, back edges reversed and flagged) → longest-path layering → dummy nodes
 * on edges that span several layers → barycenter sweeps keeping the order with the fewest crossings
 * → cross-axis coordinates by weighted isotonic regression (nodes pulled towards their neighbours,
 * order and spacing kept) → routed polylines.
 *
 * Deterministic: input order does not matter (nodes and edges are sorted first) and nothing is
 * random, so the same graph always gives the same picture.
 */

import { TIERS } from './tiers.js';

export type Direction = 'LR' | 'TB';

export interface LayoutNodeInput {
  readonly id: string;
  readonly tier?: string;
}

export interface LayoutEdgeInput {
  /** The dependent component. */
  readonly source: string;
  /** The component it depends on. */
  readonly target: string;
}

export interface LayoutOptions {
  /** LR: dependents on the left, dependencies to the right. TB: top to bottom. */
  readonly direction?: Direction;
  /** Keep each tier in its own band across all layers. */
  readonly groupByTier?: boolean;
  /** Band order; tiers not listed follow, alphabetically. */
  readonly tierOrder?: readonly string[];
  readonly nodeWidth?: number;
  readonly nodeHeight?: number;
  /** Space between layers along the direction. */
  readonly layerGap?: number;
  /** Space between neighbours in a layer. */
  readonly nodeGap?: number;
  /** Space between tier bands, and room for a band's label at its start. */
  readonly bandGap?: number;
  readonly bandLabel?: number;
  /** Outer margin of the drawing. */
  readonly margin?: number;
  /** Barycenter sweeps (one down and one up each). */
  readonly sweeps?: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PositionedNode {
  readonly id: string;
  readonly tier: string;
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly layer: number;
  readonly order: number;
}

export interface RoutedEdge {
  readonly source: string;
  readonly target: string;
  /** From the source's border to the target's border, through the layers in between. */
  readonly points: readonly Point[];
  /** True when this edge closed a cycle and was drawn against the layering. */
  readonly reversed: boolean;
}

export interface TierBand {
  readonly tier: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface GraphLayout {
  readonly direction: Direction;
  readonly nodes: readonly PositionedNode[];
  readonly edges: readonly RoutedEdge[];
  readonly bands: readonly TierBand[];
  readonly width: number;
  readonly height: number;
  readonly layers: number;
  /** Edge crossings between adjacent layers in the chosen order. */
  readonly crossings: number;
}

const NO_TIER = '';
/** Space between a band's last node and its edge. */
const BAND_PAD = 6;

const DEFAULTS = {
  direction: 'LR' as Direction,
  groupByTier: false,
  nodeWidth: 168,
  nodeHeight: 44,
  layerGap: 72,
  nodeGap: 18,
  bandGap: 16,
  bandLabel: 22,
  margin: 12,
  sweeps: 12,
};

/** A slot in a layer: a real node or a point an edge passes through. */
interface Item {
  readonly key: number;
  readonly id: string | null;
  readonly tier: string;
  readonly layer: number;
  /** Size across the layer (height in LR, width in TB). */
  readonly size: number;
  readonly weight: number;
  readonly up: number[];
  readonly down: number[];
}

export function layoutGraph(
  input: { readonly nodes: readonly LayoutNodeInput[]; readonly edges: readonly LayoutEdgeInput[] },
  options: LayoutOptions = {},
): GraphLayout {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  for (const k of ['nodeWidth', 'nodeHeight', 'layerGap', 'nodeGap', 'bandGap', 'bandLabel', 'margin', 'sweeps'] as const) {
    if (!Number.isFinite(o[k]) || o[k] < 0) throw new Error(`layout option ${k} must be a non-negative number, got ${String(o[k])}`);
  }
  if (o.direction !== 'LR' && o.direction !== 'TB') throw new Error(`layout direction must be LR or TB, got ${String(o.direction)}`);

  const tierRank = rankTiers(input.nodes, o.tierOrder ?? TIERS);
  const nodes = validateNodes(input.nodes, tierRank);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const edges = validateEdges(input.edges, index);

  const { dagEdges, reversed } = breakCycles(nodes.length, edges);
  const layerOf = longestPathLayers(nodes.length, dagEdges);
  const layerCount = nodes.length === 0 ? 0 : Math.max(...layerOf) + 1;

  const lr = o.direction === 'LR';
  const crossSize = lr ? o.nodeHeight : o.nodeWidth;
  const mainSize = lr ? o.nodeWidth : o.nodeHeight;
  const dummySize = Math.max(2, o.nodeGap / 2);

  // Items: real nodes first (key = node index), dummies after.
  const items: Item[] = nodes.map((n, i) => ({
    key: i, id: n.id, tier: n.tier, layer: layerOf[i] as number, size: crossSize, weight: 1, up: [], down: [],
  }));
  const chains: number[][] = [];
  for (const [u, v] of dagEdges) {
    const chain = [u];
    const lu = layerOf[u] as number;
    const lv = layerOf[v] as number;
    for (let l = lu + 1; l < lv; l++) {
      // Dummies nearer the source keep to its band, the rest to the target's, so a long edge
      // runs along one band and crosses over once.
      const tier = l - lu <= lv - l ? (nodes[u] as { tier: string }).tier : (nodes[v] as { tier: string }).tier;
      const d: Item = { key: items.length, id: null, tier, layer: l, size: dummySize, weight: 2, up: [], down: [] };
      items.push(d);
      chain.push(d.key);
    }
    chain.push(v);
    for (let i = 0; i + 1 < chain.length; i++) {
      (items[chain[i] as number] as Item).down.push(chain[i + 1] as number);
      (items[chain[i + 1] as number] as Item).up.push(chain[i] as number);
    }
    chains.push(chain);
  }

  const rankOf = (it: Item) => (o.groupByTier ? (tierRank.get(it.tier) ?? 0) : 0);
  // Typed arrays indexed by item key: the sweeps below run tens of thousands of comparisons.
  const rank = Int32Array.from(items, rankOf);
  const pos = new Float64Array(items.length);
  const bary = new Float64Array(items.length);
  const setPositions = (ls: number[][]) => {
    for (const l of ls) for (let i = 0; i < l.length; i++) pos[l[i] as number] = i;
  };
  const byRankThen = (key: Float64Array) => (a: number, b: number) =>
    (rank[a] as number) - (rank[b] as number) || (key[a] as number) - (key[b] as number) || (pos[a] as number) - (pos[b] as number);
  const byBary = byRankThen(bary);
  const sortLayer = (layer: number[], useUp: boolean) => {
    for (const k of layer) {
      const it = items[k] as Item;
      const ns = useUp ? it.up : it.down;
      let sum = 0;
      for (const n of ns) sum += pos[n] as number;
      bary[k] = ns.length === 0 ? (pos[k] as number) : sum / ns.length;
    }
    layer.sort(byBary);
    for (let i = 0; i < layer.length; i++) pos[layer[i] as number] = i;
  };

  // Tier groups first when grouping; inside a group, keep the DFS order. Sweeps start twice, from
  // that order and its mirror, because barycenters settle in whichever local optimum is nearest.
  // A start stops after two sweeps that found nothing (much) better. Transposing costs degree² per
  // neighbour pair and gained under 1% on the 500-node benchmark graphs, so large graphs skip it.
  const transposeEachSweep = items.length <= 1500;
  const layersInitial = initialOrder(items, layerCount, nodes.length);
  const startKey = new Float64Array(items.length);
  const startFrom = (mirror: boolean) => layersInitial.map((l) => {
    l.forEach((k, i) => { startKey[k] = mirror ? -i : i; });
    return [...l].sort((a, b) => (rank[a] as number) - (rank[b] as number) || (startKey[a] as number) - (startKey[b] as number));
  });
  let layers = startFrom(false);
  let best = layers.map((l) => [...l]);
  setPositions(best);
  let bestCrossings = countAllCrossings(best, items, pos);
  for (const mirror of [false, true]) {
    layers = startFrom(mirror);
    setPositions(layers);
    for (let s = 0, stale = 0; s < o.sweeps && bestCrossings > 0 && stale < 2; s++) {
      for (let l = 1; l < layers.length; l++) sortLayer(layers[l] as number[], true);
      for (let l = layers.length - 2; l >= 0; l--) sortLayer(layers[l] as number[], false);
      if (transposeEachSweep) transpose(layers, items, pos, rank);
      const c = countAllCrossings(layers, items, pos);
      // Gains under 0.5% count as stale: late sweeps on big graphs shave a handful of crossings
      // at the price of a full pass each.
      stale = c < bestCrossings * 0.995 ? 0 : stale + 1;
      if (c < bestCrossings) {
        bestCrossings = c;
        best = layers.map((l) => [...l]);
      }
    }
  }
  layers = best;

  // Cross-axis coordinates. One band per tier when grouping, else one band for everything.
  const bandKey = (it: Item) => (o.groupByTier ? it.tier : NO_TIER);
  const bandTiers = o.groupByTier
    ? [...new Set(items.map((it) => it.tier))].sort((a, b) => (tierRank.get(a) ?? 0) - (tierRank.get(b) ?? 0))
    : [NO_TIER];
  const extentOf = (group: number[]) =>
    group.reduce((s, k) => s + (items[k] as Item).size, 0) + Math.max(0, group.length - 1) * o.nodeGap;
  const groups = layers.map((layer) => splitBy(layer, (k) => bandKey(items[k] as Item)));
  // Room for a band's label: across the layers in LR (above each horizontal band), along them in
  // TB (a strip on top, with a little padding beside each vertical band).
  const crossLabel = o.groupByTier ? (lr ? o.bandLabel : Math.min(8, o.bandLabel)) : 0;
  const mainLabel = o.groupByTier && !lr ? o.bandLabel : 0;
  const bandStart = new Map<string, number>();
  const bandExtent = new Map<string, number>();
  let cursor = 0;
  for (const t of bandTiers) {
    const extent = Math.max(0, ...groups.map((g) => extentOf(g.get(t) ?? [])));
    const label = crossLabel;
    bandStart.set(t, cursor + label);
    bandExtent.set(t, extent);
    cursor += label + extent + (o.groupByTier ? BAND_PAD + o.bandGap : 0);
  }

  const center = new Float64Array(items.length);
  // Start packed and centred in the band, then pull towards neighbours, alternating directions.
  for (const g of groups) {
    for (const [t, group] of g) {
      const offset = (bandStart.get(t) as number) + ((bandExtent.get(t) as number) - extentOf(group)) / 2;
      let c = offset;
      for (const k of group) {
        const it = items[k] as Item;
        center[k] = c + it.size / 2;
        c += it.size + o.nodeGap;
      }
    }
  }
  // Later passes move big graphs by fractions of a pixel; they get half the passes.
  const passes = items.length > 1500 ? 4 : 8;
  for (let p = 0; p < passes; p++) {
    const downward = p % 2 === 0;
    const order = downward ? groups.map((_, i) => i) : groups.map((_, i) => groups.length - 1 - i);
    for (const l of order) {
      for (const [t, group] of groups[l] as Map<string, number[]>) {
        placeGroup(group, items, center, o.nodeGap, bandStart.get(t) as number, bandExtent.get(t) as number, p, passes);
      }
    }
  }

  // Final coordinates.
  const main = (layer: number) => o.margin + mainLabel + layer * (mainSize + o.layerGap);
  const crossMargin = o.margin;
  const nodeOut: PositionedNode[] = [];
  for (const layer of layers) {
    layer.forEach((k, order) => {
      const it = items[k] as Item;
      if (it.id === null) return;
      const n = nodes[k] as { id: string; tier: string };
      const c = crossMargin + (center[k] as number) - it.size / 2;
      nodeOut.push({
        id: n.id, tier: n.tier, layer: it.layer, order,
        x: lr ? main(it.layer) : c, y: lr ? c : main(it.layer),
        width: o.nodeWidth, height: o.nodeHeight,
      });
    });
  }
  nodeOut.sort((a, b) => a.layer - b.layer || a.order - b.order);

  // A dummy contributes its entry and exit, so every segment between two layers spans exactly
  // the gap between them: crossings on screen are then exactly the ones counted above.
  const pointsOf = (k: number, role: 'first' | 'last' | 'through'): Point[] => {
    const it = items[k] as Item;
    const c = crossMargin + (center[k] as number);
    const m0 = main(it.layer);
    const at = (m: number): Point => (lr ? { x: m, y: c } : { x: c, y: m });
    if (role === 'first') return [at(m0 + mainSize)];
    if (role === 'last') return [at(m0)];
    return [at(m0), at(m0 + mainSize)];
  };
  const edgeOut: RoutedEdge[] = chains.map((chain, i) => {
    const pts = chain.flatMap((k, j) => pointsOf(k, j === 0 ? 'first' : j === chain.length - 1 ? 'last' : 'through'));
    const isReversed = reversed[i] as boolean;
    const [u, v] = dagEdges[i] as [number, number];
    const a = (nodes[u] as { id: string }).id;
    const b = (nodes[v] as { id: string }).id;
    return isReversed
      ? { source: b, target: a, points: pts.reverse(), reversed: true }
      : { source: a, target: b, points: pts, reversed: false };
  });
  edgeOut.sort((a, b) => cmp(a.source, b.source) || cmp(a.target, b.target));

  const mainTotal = layerCount === 0 ? 0 : layerCount * mainSize + (layerCount - 1) * o.layerGap;
  const crossTotal = Math.max(0, cursor - (o.groupByTier ? o.bandGap : 0));
  const bands: TierBand[] = o.groupByTier
    ? bandTiers.map((t) => {
      const start = crossMargin + (bandStart.get(t) as number) - crossLabel;
      const extent = (bandExtent.get(t) as number) + crossLabel + BAND_PAD;
      return lr
        ? { tier: t, x: o.margin / 2, y: start, width: mainTotal + o.margin, height: extent }
        : { tier: t, x: start, y: o.margin / 2, width: extent, height: mainTotal + o.margin + mainLabel };
    })
    : [];
  const mainLen = mainTotal + 2 * o.margin + mainLabel;
  const crossLen = crossTotal + 2 * o.margin;
  return {
    direction: o.direction,
    nodes: nodeOut,
    edges: edgeOut,
    bands,
    width: lr ? mainLen : crossLen,
    height: lr ? crossLen : mainLen,
    layers: layerCount,
    crossings: bestCrossings,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rankTiers(nodes: readonly LayoutNodeInput[], order: readonly string[]): Map<string, number> {
  const rank = new Map<string, number>();
  order.forEach((t, i) => rank.set(t, i));
  const rest = [...new Set(nodes.map((n) => n.tier ?? NO_TIER))].filter((t) => !rank.has(t)).sort(cmp);
  for (const t of rest) rank.set(t, rank.size);
  return rank;
}

function validateNodes(nodes: readonly LayoutNodeInput[], tierRank: Map<string, number>): { id: string; tier: string }[] {
  const seen = new Set<string>();
  const out: { id: string; tier: string }[] = [];
  for (const n of nodes) {
    if (typeof n?.id !== 'string' || n.id === '') throw new Error('layout: every node needs a non-empty string id');
    if (seen.has(n.id)) throw new Error(`layout: duplicate node id "${n.id}"`);
    seen.add(n.id);
    out.push({ id: n.id, tier: n.tier ?? NO_TIER });
  }
  // Sorting first makes the picture independent of the order rows arrived in.
  return out.sort((a, b) => (tierRank.get(a.tier) ?? 0) - (tierRank.get(b.tier) ?? 0) || cmp(a.id, b.id));
}

function validateEdges(edges: readonly LayoutEdgeInput[], index: Map<string, number>): [number, number][] {
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (const e of edges) {
    const u = index.get(e?.source);
    const v = index.get(e?.target);
    if (u === undefined) throw new Error(`layout: edge source "${String(e?.source)}" is not a node`);
    if (v === undefined) throw new Error(`layout: edge target "${String(e?.target)}" is not a node`);
    if (u === v) continue; // a self-dependency has nothing to draw between layers
    const key = `${u}\u0000${v}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([u, v]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Reverses DFS back edges so the rest of the pipeline sees a DAG; returns them flagged. */
function breakCycles(n: number, edges: [number, number][]): { dagEdges: [number, number][]; reversed: boolean[] } {
  const out: number[][] = Array.from({ length: n }, () => []);
  edges.forEach(([u, v], i) => (out[u] as number[]).push(i));
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const back = new Set<number>();
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const [u, i] = top;
      const list = out[u] as number[];
      if (i >= list.length) {
        state[u] = 2;
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const ei = list[i] as number;
      const v = (edges[ei] as [number, number])[1];
      if (state[v] === 1) back.add(ei);
      else if (state[v] === 0) {
        state[v] = 1;
        stack.push([v, 0]);
      }
    }
  }
  const dagEdges = edges.map(([u, v], i): [number, number] => (back.has(i) ? [v, u] : [u, v]));
  return { dagEdges, reversed: edges.map((_, i) => back.has(i)) };
}

/** Layer = length of the longest path from a node nobody depends on. */
function longestPathLayers(n: number, edges: [number, number][]): number[] {
  const indeg = new Array<number>(n).fill(0);
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) {
    (out[u] as number[]).push(v);
    indeg[v] = (indeg[v] as number) + 1;
  }
  const layer = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h] as number;
    for (const v of out[u] as number[]) {
      layer[v] = Math.max(layer[v] as number, (layer[u] as number) + 1);
      indeg[v] = (indeg[v] as number) - 1;
      if (indeg[v] === 0) queue.push(v);
    }
  }
  return layer;
}

/** Order of first visit in a DFS from the roots: related nodes start out next to each other. */
function initialOrder(items: Item[], layerCount: number, realCount: number): number[][] {
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  const seen = new Uint8Array(items.length);
  const visit = (start: number) => {
    const stack = [start];
    while (stack.length > 0) {
      const k = stack.pop() as number;
      if (seen[k]) continue;
      seen[k] = 1;
      const it = items[k] as Item;
      (layers[it.layer] as number[]).push(k);
      for (let i = it.down.length - 1; i >= 0; i--) stack.push(it.down[i] as number);
    }
  };
  for (let k = 0; k < realCount; k++) if ((items[k] as Item).up.length === 0) visit(k);
  for (let k = 0; k < items.length; k++) visit(k);
  return layers;
}

/**
 * Swaps neighbours in a layer while that removes crossings with both adjacent layers (the
 * "transpose" step of dot): barycenters alone get stuck on ties and symmetric shapes.
 */
function transpose(layers: number[][], items: Item[], pos: Float64Array, rank: Int32Array): void {
  const pairCrossings = (as: number[], bs: number[]) => {
    let c = 0;
    for (const a of as) for (const b of bs) if ((pos[a] as number) > (pos[b] as number)) c++;
    return c;
  };
  const cost = (u: Item, v: Item) => pairCrossings(u.up, v.up) + pairCrossings(u.down, v.down);
  for (let round = 0, improved = true; improved && round < 4; round++) {
    improved = false;
    for (const layer of layers) {
      for (let i = 0; i + 1 < layer.length; i++) {
        const u = layer[i] as number;
        const v = layer[i + 1] as number;
        if (rank[u] !== rank[v]) continue;
        const iu = items[u] as Item;
        const iv = items[v] as Item;
        if (cost(iv, iu) < cost(iu, iv)) {
          layer[i] = v;
          layer[i + 1] = u;
          pos[v] = i;
          pos[u] = i + 1;
          improved = true;
        }
      }
    }
  }
}

function countAllCrossings(layers: number[][], items: Item[], pos: Float64Array): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const lowerSize = (layers[l + 1] as number[]).length;
    let m = 0;
    for (const k of layers[l] as number[]) m += (items[k] as Item).down.length;
    // Each segment packed into one number (upper position major, lower minor) so a typed-array
    // sort orders them without allocating a pair per segment.
    const packed = new Float64Array(m);
    let i = 0;
    for (const k of layers[l] as number[]) {
      for (const d of (items[k] as Item).down) packed[i++] = (pos[k] as number) * lowerSize + (pos[d] as number);
    }
    packed.sort();
    total += countInversions(packed, lowerSize);
  }
  return total;
}

/** Crossings between two layers: inversions of the lower ends in upper-end order (Fenwick tree). */
function countInversions(packed: Float64Array, lowerSize: number): number {
  const tree = new Int32Array(lowerSize + 1);
  let count = 0;
  for (let n = 0; n < packed.length; n++) {
    // An int32 index: typed-array access with a double index is slow before the JIT warms up.
    const lower = ((packed[n] as number) % lowerSize) | 0;
    // Segments already inserted whose lower end is strictly greater cross this one.
    let le = 0;
    for (let i = lower + 1; i > 0; i -= i & -i) le += tree[i] as number;
    count += n - le;
    for (let i = lower + 1; i <= lowerSize; i += i & -i) tree[i] = (tree[i] as number) + 1;
  }
  return count;
}

function splitBy(layer: number[], key: (k: number) => string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const k of layer) {
    const t = key(k);
    const g = m.get(t);
    if (g) g.push(k);
    else m.set(t, [k]);
  }
  return m;
}

/**
 * Moves a run of slots as close as possible to where their neighbours pull them, keeping their
 * order, the gap between them and the band: weighted isotonic regression (pool adjacent
 * violators) on centre minus cumulative spacing, then clipped to the band.
 */
function placeGroup(group: number[], items: Item[], center: Float64Array, gap: number, start: number, extent: number, pass: number, passes: number): void {
  const n = group.length;
  if (n === 0) return;
  const offset = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const a = items[group[i - 1] as number] as Item;
    const b = items[group[i] as number] as Item;
    offset[i] = (offset[i - 1] as number) + a.size / 2 + b.size / 2 + gap;
  }
  const target = new Float64Array(n);
  const weight = new Float64Array(n);
  const last = pass === passes - 1;
  for (let i = 0; i < n; i++) {
    const it = items[group[i] as number] as Item;
    // Alternate which side pulls; the last pass balances both.
    const ns = last ? [...it.up, ...it.down] : pass % 2 === 0 ? (it.up.length ? it.up : it.down) : (it.down.length ? it.down : it.up);
    const desired = ns.length === 0 ? (center[group[i] as number] as number) : ns.reduce((s, k) => s + (center[k] as number), 0) / ns.length;
    target[i] = desired - (offset[i] as number);
    weight[i] = ns.length === 0 ? 0.25 : it.weight * ns.length;
  }
  // Pool adjacent violators: blocks of (value, weight, count), merged while they decrease.
  const value: number[] = [];
  const w: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    value.push(target[i] as number);
    w.push(weight[i] as number);
    count.push(1);
    while (value.length > 1 && (value[value.length - 2] as number) > (value[value.length - 1] as number)) {
      const v2 = value.pop() as number, w2 = w.pop() as number, c2 = count.pop() as number;
      const v1 = value.pop() as number, w1 = w.pop() as number, c1 = count.pop() as number;
      const ws = w1 + w2;
      value.push(ws === 0 ? (v1 + v2) / 2 : (v1 * w1 + v2 * w2) / ws);
      w.push(ws);
      count.push(c1 + c2);
    }
  }
  const first = items[group[0] as number] as Item;
  const lastItem = items[group[n - 1] as number] as Item;
  const lo = start + first.size / 2;
  const hi = start + extent - lastItem.size / 2 - (offset[n - 1] as number);
  let i = 0;
  for (let b = 0; b < value.length; b++) {
    const y = Math.min(Math.max(value[b] as number, lo), Math.max(lo, hi));
    for (let c = 0; c < (count[b] as number); c++, i++) center[group[i] as number] = y + (offset[i] as number);
  }
}
