/**
 * The dependency graph, laid out by the same pure module as the Grafana panel (bundled from
 * @statusgraph/core at build time) and drawn as SVG. The layout is recomputed only when the
 * graph's shape changes; a state change only flips classes.
 */
import { layoutGraph, type GraphLayout } from '@statusgraph/core';
import { s } from './dom.js';
import { edgeStyle, type ComponentView } from './model.js';

export interface GraphView {
  update(components: readonly ComponentView[]): void;
}

function shapeKey(components: readonly ComponentView[], direction: string): string {
  return direction + '|' + components.map((c) => `${c.name}:${c.tier}:${[...c.dependsOn].sort().join(',')}`).sort().join(';')
    // Edge meaning changes only with the config, but a reload may change it alone.
    + '|' + components.map((c) => (c.dependencies ?? []).map((d) => `${d.name}/${d.strength}/${d.carries ?? ''}`).join(',')).join(';');
}

function pathOf(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join('');
}

export function createGraph(container: HTMLElement): GraphView {
  let key = '';
  let layout: GraphLayout | undefined;
  const nodes = new Map<string, SVGElement>();
  const edges: { el: SVGElement; source: string; target: string }[] = [];

  const build = (components: readonly ComponentView[], direction: 'LR') => {
    const names = new Set(components.map((c) => c.name));
    layout = layoutGraph({
      nodes: components.map((c) => ({ id: c.name, tier: c.tier })),
      edges: components.flatMap((c) => c.dependsOn.filter((d) => names.has(d)).map((d) => ({ source: c.name, target: d }))),
    }, { direction, groupByTier: true, nodeWidth: 150, nodeHeight: 40, layerGap: 48, nodeGap: 12 });
    nodes.clear();
    edges.length = 0;
    const svg = s('svg', {
      viewBox: `0 0 ${layout.width} ${layout.height}`, width: layout.width, height: layout.height,
      role: 'img', 'aria-label': 'Dependency graph: each component points to what it depends on',
    });
    const defs = s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
      s('path', { d: 'M0 0L8 4L0 8z', class: 'arrowhead' })));
    svg.append(defs);
    for (const b of layout.bands) {
      svg.append(s('g', { class: 'band' },
        s('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }),
        s('text', { x: b.x + 8, y: b.y + 15 }, b.tier)));
    }
    for (const e of layout.edges) {
      const el = s('path', { d: pathOf(e.points), class: 'edge', 'marker-end': 'url(#arrow)', 'data-source': e.source, 'data-target': e.target }, s('title', {}, ''));
      edges.push({ el, source: e.source, target: e.target });
      svg.append(el);
    }
    for (const n of layout.nodes) {
      const g = s('g', { class: 'node', 'data-component': n.id, transform: `translate(${n.x} ${n.y})`, tabindex: 0 },
        s('title', {}, n.id),
        s('rect', { width: n.width, height: n.height, rx: 6 }),
        s('circle', { cx: 12, cy: n.height / 2, r: 5, class: 'dot' }),
        s('text', { x: 24, y: 17, class: 'name' }, n.id.length > 19 ? `${n.id.slice(0, 18)}…` : n.id),
        s('text', { x: 24, y: 31, class: 'sub' }, ''));
      nodes.set(n.id, g);
      svg.append(g);
    }
    container.replaceChildren(svg);
  };

  return {
    update(components) {
      // Always left to right (dependents to dependencies); narrow screens scroll it sideways.
      const k = shapeKey(components, 'LR');
      if (k !== key) {
        key = k;
        build(components, 'LR');
      }
      const byName = new Map(components.map((c) => [c.name, c]));
      for (const [name, g] of nodes) {
        const c = byName.get(name);
        if (!c) continue;
        g.setAttribute('data-state', c.state);
        g.setAttribute('data-impacted', String(c.impacted));
        g.setAttribute('class', `node s-${c.state}${c.impacted ? ' impacted' : ''}`);
        const sub = g.querySelector('text.sub');
        if (sub) sub.textContent = c.impacted && c.state === 'operational' ? `impacted · ${c.rootCauses.join(', ')}` : c.state.replace('_', ' ');
        const title = g.querySelector('title');
        if (title) title.textContent = `${c.displayName}: ${c.state.replace('_', ' ')}${c.impacted ? ` (impacted by ${c.rootCauses.join(', ')})` : ''}`;
      }
      for (const e of edges) {
        const source = byName.get(e.source);
        if (!source) continue;
        const style = edgeStyle(source, byName.get(e.target))(e.target);
        e.el.setAttribute('class', style.className);
        const title = e.el.querySelector('title');
        if (title) title.textContent = style.title;
      }
    },
  };
}
