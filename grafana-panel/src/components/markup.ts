import type { GraphLayout } from '@statusgraph/core';
import { readableTextOn, type EdgeView, type NodeView } from './view.js';

/**
 * The graph as SVG markup. Creating ~4,000 elements through React was most of the first render of
 * a 500-node graph (see README, Benchmark); the browser's own parser builds the same tree several
 * times faster. Every value that reaches the markup goes through `esc`, labels and URLs included,
 * since they come from metric labels and panel options.
 */
export interface MarkupInput {
  readonly layout: GraphLayout;
  readonly nodes: readonly NodeView[];
  readonly edges: readonly EdgeView[];
  readonly bandFill: string;
  readonly bandText: string;
  readonly badgeFill: string;
  readonly rootCauseColor: string;
  /** Prefix for ids inside the SVG, unique per panel: several panels share one document. */
  readonly idPrefix: string;
  readonly hrefOf: (node: NodeView) => string | undefined;
}

const MAX_LABEL = 22;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text and attribute values for markup. */
export function esc(v: string | number): string {
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Attributes from a record; undefined values are left out. */
function attrs(a: Record<string, string | number | undefined>): string {
  let out = '';
  for (const k in a) {
    const v = a[k];
    if (v !== undefined) {
      out += ` ${k}="${esc(v)}"`;
    }
  }
  return out;
}

function num(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export function graphMarkup(m: MarkupInput): string {
  const strokes = [...new Set(m.edges.map((e) => e.stroke))];
  const markerId = new Map(strokes.map((s, i) => [s, `${m.idPrefix}-arrow-${i}`]));
  const parts: string[] = ['<defs>'];
  for (const [stroke, id] of markerId) {
    parts.push(
      `<marker${attrs({ id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 10, markerHeight: 10, orient: 'auto-start-reverse' })}>` +
        `<path d="M0,0 L10,5 L0,10 z"${attrs({ fill: stroke })}/></marker>`,
    );
  }
  parts.push('</defs>');
  for (const b of m.layout.bands) {
    parts.push(
      `<g${attrs({ 'data-band': b.tier })}><rect${attrs({ x: num(b.x), y: num(b.y), width: num(b.width), height: num(b.height), rx: 6, fill: m.bandFill })}/>` +
        `<text${attrs({ x: num(b.x + 8), y: num(b.y + 15), 'font-size': 11, fill: m.bandText, 'letter-spacing': '0.06em' })}>${esc((b.tier || 'untiered').toUpperCase())}</text></g>`,
    );
  }
  parts.push('<g data-layer="edges" fill="none">');
  for (const e of m.edges) {
    parts.push(
      `<path${attrs({
        d: e.path,
        stroke: e.stroke,
        'stroke-width': e.width,
        'stroke-dasharray': e.dash,
        'marker-end': `url(#${markerId.get(e.stroke) as string})`,
        'data-edge': e.key,
        'data-emphasis': e.emphasis,
        'data-reversed': e.reversed ? 'true' : undefined,
      })}>${e.reversed ? `<title>${esc(`${e.source} → ${e.target} closes a dependency cycle`)}</title>` : e.label ? `<title>${esc(e.label)}</title>` : ''}</path>`,
    );
  }
  parts.push('</g><g data-layer="nodes">');
  for (const n of m.nodes) {
    const href = m.hrefOf(n);
    const shape = nodeMarkup(n, m.badgeFill, m.rootCauseColor);
    parts.push(
      href
        ? `<a${attrs({ href, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `${n.label}: open runbook` })}>${shape}</a>`
        : `<g tabindex="0">${shape}</g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function nodeMarkup(n: NodeView, badgeFill: string, rootCauseColor: string): string {
  const label = n.label.length > MAX_LABEL ? `${n.label.slice(0, MAX_LABEL - 1)}…` : n.label;
  let s = `<g${attrs({
    'data-node': n.id,
    'data-state': n.node.state ?? 'unknown',
    'data-role': n.role,
    'data-incidents': n.incidents.length,
    transform: `translate(${num(n.x)},${num(n.y)})`,
  })}>`;
  if (n.role === 'root-cause') {
    s += `<rect${attrs({ 'data-mark': 'root-cause-halo', x: -6, y: -6, width: num(n.width + 12), height: num(n.height + 12), rx: 10, fill: 'none', stroke: n.fill, 'stroke-opacity': 0.45, 'stroke-width': 3 })}/>`;
  }
  s += `<rect${attrs({ 'data-mark': 'body', width: num(n.width), height: num(n.height), rx: 6, fill: n.fill, stroke: n.stroke, 'stroke-width': n.strokeWidth, 'stroke-dasharray': n.dash })}/>`;
  s += `<text${attrs({ x: 10, y: 18, 'font-size': 13, 'font-weight': 600, fill: n.textColor })}>${esc(label)}</text>`;
  s += `<text${attrs({ x: 10, y: 34, 'font-size': 11, fill: n.textColor, 'data-mark': 'detail' })}>${esc(n.detail)}</text>`;
  if (n.role === 'impacted') {
    s += `<g${attrs({ 'data-mark': 'impacted', transform: `translate(${num(n.width - 14)},${num(n.height - 12)})` })}>` +
      `<circle${attrs({ r: 8, fill: n.stroke, stroke: n.textColor, 'stroke-width': 1 })}/>` +
      `<text${attrs({ 'text-anchor': 'middle', y: 4, 'font-size': 11, 'font-weight': 700, fill: n.textColor === '#ffffff' ? '#111217' : '#ffffff' })}>↯</text></g>`;
  }
  if (n.role === 'root-cause') {
    s += `<g${attrs({ 'data-mark': 'root-cause', transform: `translate(${num(n.width / 2)},-6)` })}>` +
      `<rect${attrs({ x: -40, y: -9, width: 80, height: 16, rx: 8, fill: rootCauseColor })}/>` +
      `<text${attrs({ 'text-anchor': 'middle', y: 3, 'font-size': 10, 'font-weight': 700, fill: readableTextOn(rootCauseColor) })}>ROOT CAUSE</text></g>`;
  }
  if (n.incidents.length > 0) {
    s += `<g${attrs({ 'data-mark': 'incident-badge', transform: `translate(${num(n.width)},0)` })}>` +
      `<circle${attrs({ r: 10, fill: badgeFill, stroke: '#ffffff', 'stroke-width': 1.5 })}/>` +
      `<text${attrs({ 'text-anchor': 'middle', y: 4, 'font-size': 11, 'font-weight': 700, fill: '#ffffff' })}>${n.incidents.length > 9 ? '9+' : String(n.incidents.length)}</text></g>`;
  }
  return `${s}</g>`;
}
