import { describe, expect, it } from 'vitest';
import { computeEffects, edgeEffect, layoutGraph, STATES } from '@statusgraph/core';
import { buildView } from '../../src/components/view.js';
import { computeImpactOf } from '../../src/layout/impact.js';
import type { ComponentNode, GraphModel } from '../../src/model/types.js';

const palette = {
  state: { operational: '#0a0', degraded: '#ee0', partial_outage: '#f80', major_outage: '#e00' },
  unknown: '#888', edge: '#999', rootCause: '#f0f', band: '#111', bandText: '#ccc', badge: '#f00',
} as never;

/** orders -> replica (hard, "read-heavy queries") and orders -> redis (soft). */
function model(states: Record<string, ComponentNode['state']>, impact: Map<string, { rootCauses: string[]; affectedBy: string[] }>): GraphModel {
  const ids = ['orders', 'redis', 'replica'];
  const nodes = ids.map((id): ComponentNode => ({ id, state: states[id] ?? 'operational', rootCauses: impact.get(id)?.rootCauses ?? [], affectedBy: impact.get(id)?.affectedBy ?? [], probes: [], errors: [] }));
  return {
    nodes,
    edges: [{ source: 'orders', target: 'redis', strength: 'soft' }, { source: 'orders', target: 'replica', strength: 'hard', carries: 'read-heavy queries' }],
    rootCauses: new Set(nodes.flatMap((n) => [...n.rootCauses, ...(n.affectedBy ?? [])])),
    warnings: [],
  };
}

describe('panel: edges with meaning, by core\'s rule', () => {
  it('derives impact for Node Graph input with core\'s computeEffects: a soft cache down affects, a degraded replica affects', () => {
    const states = new Map<string, ComponentNode['state']>([['orders', 'operational'], ['redis', 'major_outage'], ['replica', 'degraded']]);
    const deps = new Map([['orders', [{ name: 'redis', strength: 'soft' as const }, { name: 'replica', strength: 'hard' as const, carries: 'read-heavy queries' }]]]);
    const got = computeImpactOf(states, deps);
    expect(got.get('orders')).toEqual({ rootCauses: [], affectedBy: ['redis', 'replica'] });
    const core = computeEffects(new Map([...deps, ['redis', []], ['replica', []]]), (n) => states.get(n)).get('orders')!;
    expect(got.get('orders')!.affectedBy).toEqual(core.affectedBy.map((a) => a.rootCause));
  });

  it('draws soft edges apart, labels what an edge carries, and emphasises each edge as core\'s edgeEffect says', () => {
    for (const state of STATES) {
      const states = { redis: state, replica: state };
      const impact = computeImpactOf(new Map(Object.entries(states)), new Map([['orders', [{ name: 'redis', strength: 'soft' as const }, { name: 'replica', strength: 'hard' as const }]]]));
      const m = model(states, impact);
      const layout = layoutGraph({ nodes: m.nodes.map((n) => ({ id: n.id })), edges: m.edges }, { direction: 'LR', groupByTier: false, nodeWidth: 100, nodeHeight: 30, layerGap: 40, nodeGap: 10 });
      const { edges } = buildView(m, layout, new Map(), palette, false);
      const soft = edges.find((e) => e.target === 'redis')!;
      const hard = edges.find((e) => e.target === 'replica')!;
      expect(soft.dash).toBe('2 3');
      expect(soft.label).toBe('orders → redis (soft)');
      expect(hard.label).toBe('orders → replica: read-heavy queries (hard)');
      const emphasis = (e: typeof soft) => (e.emphasis === 'unhealthy' ? 'impacted' : e.emphasis);
      expect(emphasis(soft), state).toBe(edgeEffect('soft', { state }) ?? 'none');
      expect(emphasis(hard), state).toBe(edgeEffect('hard', { state }) ?? 'none');
    }
  });
});
