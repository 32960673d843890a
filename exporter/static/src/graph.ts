/**
 * The dependency graph, laid out by the same pure module as the Grafana panel (bundled from
 * @statusgraph/core at build time) and drawn as SVG scaled to the width it has. What is drawn is
 * neighbourhood.ts's model: the whole graph while small, else a component's neighbourhood, with
 * tiers collapsed by choice or when still too large. The model's shape is kept while only states
 * change, and the layout is recomputed only when the drawn shape changes; a state change only
 * flips classes.
 */
import { TIERS, TIER_LABELS, layoutGraph, type GraphLayout, type Tier } from '@statusgraph/core';
import { h, replace, s } from './dom.js';
import { edgeStyle, type ComponentView } from './model.js';
import { aggregateHot, dependentsIndex, graphShape, structureWatch, withStates, type GraphModel, type GraphNode, type GraphShape } from './neighbourhood.js';

/** More nodes than this are not drawn one by one (a layered layout of more is neither quick nor readable). */
export const MAX_GRAPH_NODES = 80;

export interface GraphView {
  update(byName: ReadonlyMap<string, ComponentView>): void;
  focus(name: string | undefined): void;
}

function pathOf(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join('');
}

/** LR reads best; on a narrow screen TB when it needs less shrinking to fit the width. */
function layoutFor(model: GraphModel, width: number): GraphLayout {
  const input = { nodes: model.nodes.map((n) => ({ id: n.id, tier: n.tier })), edges: model.edges.map((e) => ({ source: e.source, target: e.target })) };
  const opts = { groupByTier: true, nodeWidth: 150, nodeHeight: 40, layerGap: 48, nodeGap: 12 };
  const lr = layoutGraph(input, { ...opts, direction: 'LR' });
  if (lr.width <= width || model.nodes.length > 40) return lr;
  const tb = layoutGraph(input, { ...opts, direction: 'TB' });
  return Math.min(1, width / tb.width) > Math.min(1, width / lr.width) ? tb : lr;
}

export function createGraph(container: HTMLElement, onFocus: (name: string | undefined) => void): GraphView {
  let focus: string | undefined;
  let depth = 1;
  const collapsed = new Set<Tier>();
  let byName: ReadonlyMap<string, ComponentView> = new Map();
  let dependents = new Map<string, string[]>();
  const structureChanged = structureWatch();
  /** Bumped when the structure changes: the shape is kept while it and the options stay. */
  let structureVersion = 0;
  let shape: { key: string; shape: GraphShape } | undefined;
  let drawnKey = '';
  let model: GraphModel | undefined;
  const nodes = new Map<string, SVGElement>();
  const edges: { el: SVGElement; source: string; target: string }[] = [];

  const controls = h('div', { class: 'graph-controls' });
  const note = h('p', { class: 'muted graph-note', role: 'status' });
  const canvas = h('div', { class: 'graph-canvas' });
  container.replaceChildren(controls, note, canvas);

  const renderControls = () => {
    const input = h('input', { id: 'graph-focus', type: 'search', placeholder: 'Focus on a component', 'aria-label': 'Focus the graph on a component (its name)', value: focus ?? '' });
    input.addEventListener('change', () => onFocus(byName.has(input.value.trim()) ? input.value.trim() : undefined));
    const depthSel = h('select', { id: 'graph-depth', 'aria-label': 'Hops up and downstream' },
      ...[[1, '1 hop'], [2, '2 hops'], [Infinity, 'all hops']].map(([v, l]) => h('option', { value: String(v), selected: v === depth }, String(l))));
    depthSel.addEventListener('change', () => { depth = Number(depthSel.value); draw(); });
    const tiers = TIERS.map((t) => {
      const box = h('input', { type: 'checkbox', 'data-tier': t, checked: collapsed.has(t) || !!model?.forced.includes(t), disabled: !!model?.forced.includes(t) });
      box.addEventListener('change', () => { if (box.checked) collapsed.add(t); else collapsed.delete(t); draw(); });
      return h('label', { class: 'check' }, box, TIER_LABELS[t]);
    });
    replace(controls, input, focus ? depthSel : null, focus ? h('button', { type: 'button', id: 'graph-all', onclick: () => onFocus(undefined) }, 'Whole graph') : null,
      h('span', { class: 'check' }, 'Collapse:'), ...tiers);
  };

  const build = (layout: GraphLayout) => {
    nodes.clear();
    edges.length = 0;
    const svg = s('svg', {
      viewBox: `0 0 ${layout.width} ${layout.height}`, width: layout.width, height: layout.height,
      role: 'img', 'aria-label': 'Dependency graph: each component points to what it depends on',
    });
    svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
      s('path', { d: 'M0 0L8 4L0 8z', class: 'arrowhead' }))));
    for (const b of layout.bands) {
      svg.append(s('g', { class: 'band' }, s('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }), s('text', { x: b.x + 8, y: b.y + 15 }, b.tier)));
    }
    for (const e of layout.edges) {
      const el = s('path', { d: pathOf(e.points), class: 'edge', 'marker-end': 'url(#arrow)', 'data-source': e.source, 'data-target': e.target }, s('title', {}, ''));
      edges.push({ el, source: e.source, target: e.target });
      svg.append(el);
    }
    const byId = new Map(model!.nodes.map((n) => [n.id, n]));
    for (const n of layout.nodes) {
      const gn = byId.get(n.id)!;
      const label = gn.label.length > 19 ? `${gn.label.slice(0, 18)}…` : gn.label;
      const g = s('g', { class: 'node', 'data-component': gn.members ? null : n.id, 'data-tier-node': gn.members ? gn.tier : null, transform: `translate(${n.x} ${n.y})`, tabindex: 0, role: 'button' },
        s('title', {}, gn.label),
        s('rect', { width: n.width, height: n.height, rx: 6 }),
        s('circle', { cx: 12, cy: n.height / 2, r: 5, class: 'dot' }),
        s('text', { x: 24, y: 17, class: 'name' }, label),
        s('text', { x: 24, y: 31, class: 'sub' }, ''));
      // A component focuses the graph on itself; a collapsed tier opens.
      const act = () => {
        if (gn.members) { collapsed.delete(gn.tier); draw(); } else if (n.id !== focus) onFocus(n.id);
      };
      g.addEventListener('click', act);
      g.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter' || (e as KeyboardEvent).key === ' ') { e.preventDefault(); act(); } });
      nodes.set(n.id, g);
      svg.append(g);
    }
    canvas.replaceChildren(svg);
  };

  const paint = () => {
    const gnodes = new Map(model!.nodes.map((n) => [n.id, n]));
    for (const [id, g] of nodes) {
      const gn = gnodes.get(id)!;
      const c = gn.members ? undefined : byName.get(id);
      g.setAttribute('data-state', gn.state);
      g.setAttribute('data-impacted', String(gn.impacted));
      g.setAttribute('class', `node s-${gn.state}${gn.impacted ? ' impacted' : ''}${gn.members ? ' tiernode' : ''}${gn.focus ? ' focus' : ''}`);
      const sub = g.querySelector('text.sub');
      if (sub) sub.textContent = gn.members ? `collapsed · worst ${gn.state.replace('_', ' ')}` : c && c.impacted && c.state === 'operational' ? `impacted · ${c.rootCauses.join(', ')}` : gn.state.replace('_', ' ');
      const title = g.querySelector('title');
      if (title) title.textContent = c ? `${c.displayName}: ${c.state.replace('_', ' ')}${c.impacted ? ` (impacted by ${c.rootCauses.join(', ')})` : ''}` : `${gn.label} (collapsed; open to expand)`;
    }
    for (const e of edges) {
      const source = byName.get(e.source);
      const target = gnodes.get(e.target);
      if (source && !target?.members) {
        const style = edgeStyle(source, byName.get(e.target))(e.target);
        e.el.setAttribute('class', style.className);
        e.el.querySelector('title')!.textContent = style.title;
      } else {
        e.el.setAttribute('class', `edge agg${aggregateHot(target as GraphNode | undefined) ? ' hot' : ''}`);
        e.el.querySelector('title')!.textContent = `${e.source} → ${e.target}`;
      }
    }
  };

  function draw(): void {
    const shapeKey = `${structureVersion}|${focus ?? ''}|${depth}|${[...collapsed].sort().join(',')}`;
    if (shape?.key !== shapeKey) shape = { key: shapeKey, shape: graphShape(byName, dependents, { ...(focus ? { focus } : {}), depth, collapsed, maxNodes: MAX_GRAPH_NODES }) };
    model = withStates(shape.shape, byName);
    const width = Math.max(280, canvas.clientWidth || container.clientWidth || window.innerWidth);
    const key = `${width < 700 ? 'n' : 'w'}|${model.nodes.map((n) => `${n.id}/${n.members}`).join(',')}|${model.edges.map((e) => `${e.source}>${e.target}`).join(',')}`;
    if (key !== drawnKey) {
      drawnKey = key;
      build(layoutFor(model, width));
      renderControls();
    }
    note.textContent = focus
      ? `${focus}: ${model.scope - 1} component${model.scope === 2 ? '' : 's'} within ${Number.isFinite(depth) ? `${depth} hop${depth === 1 ? '' : 's'}` : 'any distance'} up or downstream.`
      : model.forced.length ? `${byName.size.toLocaleString('en-US')} components: tiers collapsed to fit. Focus on a component (its "graph" button, a node, or its name above) to see its neighbourhood.` : '';
    container.dataset.focus = focus ?? '';
    paint();
  }

  new ResizeObserver(() => { if (model) draw(); }).observe(canvas);

  return {
    update(next) {
      byName = next;
      if (structureChanged(next)) {
        structureVersion++;
        dependents = dependentsIndex(next.values());
      }
      draw();
    },
    focus(name) {
      focus = name;
      draw();
    },
  };
}

