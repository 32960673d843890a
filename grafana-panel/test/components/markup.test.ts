import { describe, expect, it } from 'vitest';
import { layoutGraph } from '@statusgraph/core';
import { esc, graphMarkup } from '../../src/components/markup.js';
import type { NodeView } from '../../src/components/view.js';

describe('graph markup', () => {
  it('escapes every character that could end an attribute or open a tag', () => {
    expect(esc(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(esc(3.5)).toBe('3.5');
  });

  it('parses back into exactly the nodes, edges and attributes it was given', () => {
    const layout = layoutGraph({ nodes: [{ id: 'a"b' }, { id: '<c>' }], edges: [{ source: 'a"b', target: '<c>' }] });
    const nodes: NodeView[] = layout.nodes.map((p) => ({
      id: p.id, node: { id: p.id, rootCauses: [], probes: [], errors: [] }, x: p.x, y: p.y, width: p.width, height: p.height,
      label: `label ${p.id}`, detail: 'No data', fill: '#111', textColor: '#fff', stroke: 'transparent', strokeWidth: 0, role: 'none', incidents: [],
    }));
    const html = graphMarkup({
      layout, nodes, edges: [{ key: 'a"b-><c>', source: 'a"b', target: '<c>', path: 'M0,0 L1,1', stroke: 'red', width: 1, emphasis: 'none', reversed: false }],
      bandFill: '#222', bandText: '#ccc', badgeFill: 'purple', rootCauseColor: '#fff', idPrefix: 'p1',
      hrefOf: (n) => (n.id === 'a"b' ? 'https://x.example/?q="&<' : undefined),
    });
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.innerHTML = html;
    expect([...svg.querySelectorAll('[data-node]')].map((e) => e.getAttribute('data-node')).sort()).toEqual(['<c>', 'a"b']);
    expect(svg.querySelector('[data-node="a\\"b"] text')!.textContent).toBe('label a"b');
    expect(svg.querySelector('a')!.getAttribute('href')).toBe('https://x.example/?q="&<');
    expect(svg.querySelector('path[data-edge]')!.getAttribute('marker-end')).toBe('url(#p1-arrow-0)');
    expect(svg.querySelector('#p1-arrow-0')).not.toBeNull();
    expect(svg.querySelectorAll('a')).toHaveLength(1);
  });
});
