import { describe, expect, it } from 'vitest';
import { computeEffects, edgeEffect, type Dependency, type DependencyGraph, type EdgeStrength, type State } from '../src/index.js';

type Row = readonly [string, readonly (string | readonly [string, EdgeStrength, string?])[]];

/** A graph from rows of `component, [dependency | [dependency, strength, carries]]`. */
function graph(rows: readonly Row[]): DependencyGraph {
  return new Map(rows.map(([n, deps]) => [n, deps.map((d): Dependency => typeof d === 'string'
    ? { name: d, strength: 'hard' }
    : { name: d[0], strength: d[1], ...(d[2] ? { carries: d[2] } : {}) })]));
}

function effects(rows: readonly Row[], states: Record<string, State>) {
  return computeEffects(graph(rows), (n) => states[n] ?? 'operational');
}

describe('one edge: strength x upstream state (the table of README "States and impact")', () => {
  const cases: readonly [EdgeStrength, State, 'impacted' | 'affected' | '-'][] = [
    ['hard', 'major_outage', 'impacted'], ['hard', 'partial_outage', 'impacted'], ['hard', 'degraded', 'affected'], ['hard', 'operational', '-'],
    ['soft', 'major_outage', 'affected'], ['soft', 'partial_outage', 'affected'], ['soft', 'degraded', 'affected'], ['soft', 'operational', '-'],
    ['none', 'major_outage', '-'], ['none', 'partial_outage', '-'], ['none', 'degraded', '-'], ['none', 'operational', '-'],
  ];
  it.each(cases)('%s edge, dependency %s -> %s', (strength, state, want) => {
    const e = effects([['orders', [['db', strength, 'reads']]], ['db', []]], { db: state }).get('orders')!;
    expect(e.impacted).toBe(want === 'impacted');
    expect(e.affected).toBe(want === 'affected');
    expect(e.rootCauses).toEqual(want === 'impacted' ? ['db'] : []);
    expect(e.impactedBy).toEqual(want === 'impacted' ? [{ rootCause: 'db', carries: ['reads'] }] : []);
    expect(e.affectedBy).toEqual(want === 'affected' ? [{ rootCause: 'db', carries: ['reads'] }] : []);
    // The page and the panel colour the edge with the same rule.
    expect(edgeEffect(strength, { state }) ?? '-').toBe(want);
  });
});

describe('chains', () => {
  it('takes the weakest link of the path: hard then soft affects, hard then hard impacts', () => {
    const rows: Row[] = [['gw', [['orders', 'hard', 'orders API']]], ['orders', [['cache', 'soft', 'hot reads'], 'db']], ['cache', []], ['db', []]];
    const down = effects(rows, { cache: 'major_outage', db: 'major_outage' });
    expect(down.get('orders')).toMatchObject({ impacted: true, rootCauses: ['db'], affectedBy: [{ rootCause: 'cache', carries: ['hot reads'] }] });
    // gw sees both through its own edge: carries are the texts of ITS edges.
    expect(down.get('gw')).toMatchObject({
      rootCauses: ['db'], impactedBy: [{ rootCause: 'db', carries: ['orders API'] }], affectedBy: [{ rootCause: 'cache', carries: ['orders API'] }],
    });
  });

  it('stops at a none edge anywhere on the path', () => {
    const e = effects([['a', ['b']], ['b', [['c', 'none']]], ['c', []]], { c: 'major_outage' });
    expect(e.get('a')).toMatchObject({ impacted: false, affected: false });
    expect(e.get('b')).toMatchObject({ impacted: false, affected: false });
  });

  it('reports a degradation explained by an outage upstream at the outage only', () => {
    // The replica lags because the primary is down: one root cause, the primary.
    const e = effects([['orders', [['replica', 'hard', 'read-heavy queries']]], ['replica', ['primary']], ['primary', []]],
      { replica: 'degraded', primary: 'major_outage' });
    expect(e.get('orders')).toMatchObject({ rootCauses: ['primary'], affected: false, impactedBy: [{ rootCause: 'primary', carries: ['read-heavy queries'] }] });
  });

  it('counts an outage reached only by an affect as its own root cause, and passes both on', () => {
    // api is down although its cache is soft: its outage is its own.
    const e = effects([['web', ['api']], ['api', [['cache', 'soft']]], ['cache', []]], { api: 'major_outage', cache: 'major_outage' });
    expect(e.get('web')).toMatchObject({ rootCauses: ['api'], affectedBy: [{ rootCause: 'cache', carries: [] }] });
    expect(e.get('api')).toMatchObject({ impacted: false, affectedBy: [{ rootCause: 'cache', carries: [] }] });
  });

  it('keeps a degraded dependent of a degraded root explained by it', () => {
    const e = effects([['a', ['b']], ['b', ['c']], ['c', []]], { b: 'degraded', c: 'degraded' });
    expect(e.get('a')!.affectedBy.map((c) => c.rootCause)).toEqual(['c']);
  });
});

describe('diamonds', () => {
  it('takes the strongest path, and lists the texts of the edges it arrives through', () => {
    // app -> (cache soft, api hard) -> db: the hard path wins.
    const rows: Row[] = [['app', [['cache', 'soft', 'sessions'], ['api', 'hard', 'checkout']]], ['cache', ['db']], ['api', ['db']], ['db', []]];
    const e = effects(rows, { db: 'partial_outage' });
    expect(e.get('app')).toMatchObject({ impacted: true, rootCauses: ['db'], impactedBy: [{ rootCause: 'db', carries: ['checkout'] }], affected: false });
    // Both paths soft: affected, with both texts.
    const soft = effects([['app', [['cache', 'soft', 'sessions'], ['api', 'soft', 'checkout']]], ['cache', ['db']], ['api', ['db']], ['db', []]], { db: 'partial_outage' });
    expect(soft.get('app')).toMatchObject({ impacted: false, affectedBy: [{ rootCause: 'db', carries: ['checkout', 'sessions'] }] });
  });

  it('lists a component impacted by one root and affected by another apart', () => {
    const e = effects([['app', ['db', ['replica', 'hard', 'reports']]], ['db', []], ['replica', []]], { db: 'major_outage', replica: 'degraded' });
    expect(e.get('app')).toMatchObject({ rootCauses: ['db'], affectedBy: [{ rootCause: 'replica', carries: ['reports'] }] });
  });
});

describe('compatibility', () => {
  it('gives today\'s answer on plain hard edges: degraded components were invisible, now they only affect', () => {
    const e = effects([['a', ['b']], ['b', ['c']], ['c', []]], { b: 'degraded', c: 'major_outage' });
    expect(e.get('a')).toMatchObject({ impacted: true, rootCauses: ['c'], affected: false });
    expect(e.get('c')).toMatchObject({ impacted: false, affected: false });
  });
});
