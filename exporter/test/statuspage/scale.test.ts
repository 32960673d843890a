/*
 * The page's logic at scale, without a browser: filtering and order, the virtual window maths,
 * applying stream diffs, the graph's neighbourhood and tier collapse, and the row loader.
 */
import { describe, expect, it } from 'vitest';
import { applyFilter, filterFromHash, filterToHash, matches, NO_FILTER, stateCounts, type Filter } from '../../static/src/filter.js';
import { columnsFor, gridItems, groupByTier, indexAt, offsetsOf, scrollToReveal, visibleRange } from '../../static/src/virtual.js';
import { applyDiff, canApply, parseVersion } from '../../static/src/stream-state.js';
import { dependentsIndex, graphModel, graphShape, neighbourhood, structureWatch, withStates } from '../../static/src/neighbourhood.js';
import { createLoader } from '../../static/src/loader.js';
import type { ComponentView } from '../../static/src/model.js';

const comp = (name: string, over: Partial<ComponentView> = {}): ComponentView => ({
  name, displayName: name, tier: 'service', state: 'operational', since: '2026-11-30T00:00:00Z', reason: null,
  maintenance: false, impacted: false, rootCauses: [], dependsOn: [], ...over,
});
const f = (over: Partial<Filter>): Filter => ({ ...NO_FILTER, ...over });
const name = (i: number) => `c${String(i).padStart(5, '0')}`;

/** 10,000 components: every 10th infrastructure, the nine after it services depending on it. */
function big(): Map<string, ComponentView> {
  const m = new Map<string, ComponentView>();
  for (let i = 0; i < 10_000; i++) {
    const infra = i % 10 === 0;
    m.set(name(i), comp(name(i), { tier: infra ? 'infrastructure' : 'service', dependsOn: infra ? [] : [name(i - (i % 10))], environment: i % 2 ? 'production' : 'staging' }));
  }
  return m;
}

describe('filter', () => {
  const list = [
    comp('orders-db', { tier: 'infrastructure', state: 'major_outage', displayName: 'Orders database' }),
    comp('orders', { impacted: true, rootCauses: ['orders-db'] }),
    comp('auth', { environment: 'staging' }),
    comp('search', { affected: true }),
    comp('stripe', { tier: 'third-party', state: 'degraded' }),
  ];

  it('matches every word of the text in the name or display name, case-insensitive', () => {
    expect(applyFilter(list, f({ text: 'ORDERS' })).map((c) => c.name)).toEqual(['orders', 'orders-db']);
    expect(applyFilter(list, f({ text: 'orders database' })).map((c) => c.name)).toEqual(['orders-db']);
    expect(applyFilter(list, f({ text: '  ' }))).toHaveLength(5);
  });

  it('filters by state, tier, environment and problems (not operational, impacted or affected)', () => {
    expect(applyFilter(list, f({ states: new Set(['major_outage', 'degraded']) })).map((c) => c.name)).toEqual(['orders-db', 'stripe']);
    expect(applyFilter(list, f({ tiers: new Set(['service']) })).map((c) => c.name)).toEqual(['orders', 'auth', 'search']);
    expect(applyFilter(list, f({ environment: 'staging' })).map((c) => c.name)).toEqual(['auth']);
    expect(applyFilter(list, f({ environment: 'production' }))).toHaveLength(4);
    expect(applyFilter(list, f({ problems: true })).map((c) => c.name)).toEqual(['orders', 'search', 'orders-db', 'stripe']);
    expect(matches(list[2]!, f({ problems: true, text: 'auth' }))).toBe(false);
  });

  it('orders by tier, worst first, impacted before not, then by name', () => {
    expect(applyFilter(list, NO_FILTER).map((c) => c.name)).toEqual(['orders', 'auth', 'search', 'orders-db', 'stripe']);
  });

  it('counts states and round-trips through the URL hash', () => {
    expect(stateCounts(list)).toEqual({ operational: 3, degraded: 1, partial_outage: 0, major_outage: 1 });
    const chosen = f({ text: 'db', states: new Set(['major_outage']), tiers: new Set(['infrastructure']), environment: 'prod', problems: true });
    const hash = filterToHash(chosen);
    expect(hash).toBe('q=db&state=major_outage&tier=infrastructure&env=prod&problems=1');
    expect(filterFromHash(`#${hash}`)).toEqual(chosen);
    expect(filterFromHash('#state=bogus,degraded').states).toEqual(new Set(['degraded']));
    expect(filterToHash(NO_FILTER)).toBe('');
  });

  it('finds one component among 10,000', () => {
    const all = big();
    expect(applyFilter(all.values(), f({ text: 'c09987' })).map((c) => c.name)).toEqual(['c09987']);
    expect(applyFilter(all.values(), f({ text: 'c0998', tiers: new Set(['service']) }))).toHaveLength(9);
    expect(applyFilter(all.values(), f({ environment: 'staging' }))).toHaveLength(5_000);
  });
});

describe('virtual window', () => {
  const offsets = offsetsOf([34, 150, 150, 150, 34, 150]);

  it('sums heights into offsets and finds the item at a position', () => {
    expect(offsets).toEqual([0, 34, 184, 334, 484, 518, 668]);
    expect([0, 33, 34, 183, 184, 667, 10_000].map((y) => indexAt(offsets, y))).toEqual([0, 0, 1, 1, 2, 5, 5]);
    expect(indexAt([0], 50)).toBe(0);
  });

  it('returns the items overlapping the view plus overscan, never past the ends', () => {
    expect(visibleRange(offsets, 0, 200, 0)).toEqual({ start: 0, end: 3 });
    // [300, 400] touches item 2 [184, 334) and item 3 [334, 484).
    expect(visibleRange(offsets, 300, 100, 0)).toEqual({ start: 2, end: 4 });
    expect(visibleRange(offsets, 300, 100, 100)).toEqual({ start: 2, end: 5 });
    expect(visibleRange(offsets, 300, 100, 200)).toEqual({ start: 1, end: 6 });
    expect(visibleRange(offsets, 5_000, 100, 0)).toEqual({ start: 5, end: 6 });
    expect(visibleRange([0], 0, 900, 400)).toEqual({ start: 0, end: 0 });
  });

  it('keeps the drawn window bounded at 10,000 rows wherever the view is', () => {
    const rows = offsetsOf(new Array<number>(10_000).fill(30));
    for (const top of [0, 150_000, 299_100]) {
      const r = visibleRange(rows, top, 600, 400);
      expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil((600 + 800) / 30) + 1);
      expect(r.start).toBe(Math.max(0, Math.floor((top - 400) / 30)));
    }
    expect(visibleRange(rows, 299_400, 600, 0).end).toBe(10_000);
  });

  it('scrolls the least to reveal an item', () => {
    expect(scrollToReveal(offsets, 3, 0, 200)).toBe(284);
    expect(scrollToReveal(offsets, 0, 300, 200)).toBe(0);
    expect(scrollToReveal(offsets, 2, 190, 200)).toBe(184);
    expect(scrollToReveal(offsets, 2, 150, 200)).toBe(150);
  });

  it('makes rows of as many cards as the width holds, each tier under its heading', () => {
    expect([300, 539, 540, 859, 860, 1149, 1150, 2000].map(columnsFor)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    const list = [comp('a'), comp('b'), comp('c'), comp('db', { tier: 'infrastructure' })];
    const items = gridItems(groupByTier(list), 2, (c) => c.name);
    expect(items.map((i) => (i.kind === 'tier' ? `${i.tier}:${i.count}` : i.cells.map((c) => c.name).join('+')))).toEqual(['service:3', 'a+b', 'c', 'infrastructure:1', 'db']);
  });
});

describe('stream diffs', () => {
  it('applies a diff only when it starts at or before the version held, from the same process', () => {
    expect(parseVersion('AbC_-1.42')).toEqual(['AbC_-1', 42]);
    expect(parseVersion('42')).toBeUndefined();
    expect(canApply('e1.5', 'e1.5')).toBe(true);
    expect(canApply('e1.5', 'e1.3')).toBe(true);
    expect(canApply('e1.5', 'e1.6')).toBe(false);
    expect(canApply('e1.5', 'e2.1')).toBe(false);
    expect(canApply(undefined, 'e1.1')).toBe(false);
  });

  it('replaces the changed components, keeps what the stream lacks, drops the removed, says when to re-sort', () => {
    const byName = new Map([['a', comp('a', { runbook: 'https://wiki/a' })], ['b', comp('b')], ['c', comp('c')]]);
    const latency = applyDiff(byName, { components: [comp('a', { probes: [{ name: 'http', kind: 'http', success: true, durationSeconds: 0.2, checkedAt: 'x', error: null }] })], removed: [] });
    expect(latency).toEqual({ changed: ['a'], reorder: false });
    expect(byName.get('a')).toMatchObject({ runbook: 'https://wiki/a', probes: [{ durationSeconds: 0.2 }] });
    expect(applyDiff(byName, { components: [comp('b', { state: 'major_outage' })], removed: [] }).reorder).toBe(true);
    expect(applyDiff(byName, { components: [comp('c', { impacted: true })], removed: [] }).reorder).toBe(true);
    expect(applyDiff(byName, { components: [comp('d')], removed: ['a'] })).toEqual({ changed: ['d'], reorder: true });
    expect([...byName.keys()].sort()).toEqual(['b', 'c', 'd']);
    expect(byName.get('b')!.state).toBe('major_outage');
  });
});

describe('graph neighbourhood and collapse', () => {
  const all = big();
  const deps = dependentsIndex(all.values());

  it('walks up and down from the focus to a depth, not sideways', () => {
    expect([...neighbourhood(all, deps, 'c09987', 1)].sort()).toEqual(['c09980', 'c09987']);
    expect([...neighbourhood(all, deps, 'c09987', Infinity)].sort()).toEqual(['c09980', 'c09987']);
    expect(neighbourhood(all, deps, 'c09980', 1).size).toBe(10);
  });

  it('collapses every tier of 10,000 components to one node each, with the worst state and the edges between tiers', () => {
    const m = graphModel(all, deps, { depth: 1, collapsed: new Set(), maxNodes: 80 });
    expect(m.nodes.map((n) => [n.id, n.members])).toEqual([['tier:service', 9_000], ['tier:infrastructure', 1_000]]);
    expect(m.edges).toEqual([{ source: 'tier:service', target: 'tier:infrastructure' }]);
    expect([...m.forced].sort()).toEqual(['infrastructure', 'service']);
    const withOutage = new Map(all);
    withOutage.set('c00420', { ...all.get('c00420')!, state: 'major_outage' });
    expect(graphModel(withOutage, deps, { depth: 1, collapsed: new Set(), maxNodes: 80 }).nodes.find((n) => n.id === 'tier:infrastructure')!.state).toBe('major_outage');
  });

  it('keeps the shape while only states change: the states of now over it give the model built from scratch', () => {
    const opts = { depth: 1, collapsed: new Set<never>(), maxNodes: 80 };
    const shape = graphShape(all, deps, opts);
    const later = new Map(all);
    later.set('c00427', { ...all.get('c00427')!, state: 'degraded', impacted: true });
    later.set('c09980', { ...all.get('c09980')!, state: 'partial_outage' });
    expect(withStates(shape, later)).toEqual(graphModel(later, deps, opts));
    expect(withStates(shape, later).nodes.map((n) => [n.id, n.state, n.impacted])).toEqual([['tier:service', 'degraded', true], ['tier:infrastructure', 'partial_outage', false]]);
    const focused = { ...opts, focus: 'c09980' };
    expect(withStates(graphShape(all, deps, focused), later)).toEqual(graphModel(later, deps, focused));
  });

  it('tells a new structure (a component, a tier, an edge) from a state change', () => {
    const changed = structureWatch();
    expect(changed(all)).toBe(true);
    const states = new Map(all);
    states.set('c00427', { ...all.get('c00427')!, state: 'major_outage', dependsOn: [...all.get('c00427')!.dependsOn] });
    expect(changed(states)).toBe(false);
    const edge = new Map(states);
    edge.set('c00427', { ...states.get('c00427')!, dependsOn: ['c00420', 'c00000'] });
    expect(changed(edge)).toBe(true);
    expect(changed(edge)).toBe(false);
    const tier = new Map(edge);
    tier.set('c00427', { ...edge.get('c00427')!, tier: 'infrastructure' });
    expect(changed(tier)).toBe(true);
    const swapped = new Map(tier);
    swapped.delete('c00001');
    swapped.set('n00001', comp('n00001'));
    expect(changed(swapped)).toBe(true);
  });

  it('draws a small neighbourhood node by node, and collapses a tier on request but never the focus', () => {
    const m = graphModel(all, deps, { focus: 'c09980', depth: 1, collapsed: new Set(), maxNodes: 80 });
    expect(m.nodes).toHaveLength(10);
    expect(m.nodes.find((n) => n.focus)!.id).toBe('c09980');
    expect(m.edges).toHaveLength(9);
    const c = graphModel(all, deps, { focus: 'c09987', depth: 1, collapsed: new Set(['service', 'infrastructure']), maxNodes: 80 });
    expect(c.nodes.map((n) => n.id).sort()).toEqual(['c09987', 'tier:infrastructure']);
    expect(c.edges).toEqual([{ source: 'c09987', target: 'tier:infrastructure' }]);
    expect(c.forced).toEqual([]);
  });

  it('shows the whole graph while it is small, and ignores an unknown focus', () => {
    const small = new Map([['a', comp('a', { dependsOn: ['db'] })], ['db', comp('db', { tier: 'infrastructure' })]]);
    const m = graphModel(small, dependentsIndex(small.values()), { focus: 'gone', depth: 1, collapsed: new Set(), maxNodes: 80 });
    expect(m.nodes.map((n) => n.id)).toEqual(['a', 'db']);
    expect(m.forced).toEqual([]);
  });
});

describe('row loader', () => {
  it('asks for each name once, in batches of at most 200, and again after a failure', async () => {
    const asked: string[][] = [];
    let fail = true;
    let loaded = 0;
    const loader = createLoader(async (names) => {
      asked.push([...names]);
      if (fail) throw new Error('503');
    }, () => { loaded += 1; });
    loader.want(['a', 'b']);
    loader.want(['b', 'c']);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([['a', 'b', 'c']]);
    expect(loader.has('a')).toBe(false);
    fail = false;
    loader.want(['a']);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked[1]).toEqual(['a', 'b', 'c'].filter((n) => n === 'a'));
    expect(loader.has('a')).toBe(true);
    expect(loaded).toBe(1);
    loader.want(Array.from({ length: 450 }, (_, i) => `n${i}`));
    await new Promise((r) => setTimeout(r, 0));
    expect(asked.slice(2).map((b) => b.length)).toEqual([200, 200, 50]);
  });
});
