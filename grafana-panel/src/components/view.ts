import { type Direction, type GraphLayout, type Point, edgeEffect, formatSeconds, isUnhealthy, STATE_LABELS, type State } from '@statusgraph/core';
import type { OpenIncident } from '../model/incidents.js';
import type { ComponentNode, GraphModel } from '../model/types.js';

/** Colours the drawing needs, already resolved from the theme and the panel options. */
export interface Palette {
  readonly state: Readonly<Record<State, string>>;
  readonly unknown: string;
  readonly edge: string;
  readonly text: string;
  readonly rootCause: string;
  readonly badge: string;
  /** Maintenance windows and planned impact (issue 19); a blue by default. */
  readonly maintenance?: string;
}

export type NodeRole = 'root-cause' | 'impacted' | 'none';

export interface NodeView {
  readonly id: string;
  readonly node: ComponentNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly label: string;
  /** Second line: latency, or the state when latency is hidden or unknown. */
  readonly detail: string;
  readonly fill: string;
  readonly textColor: string;
  readonly stroke: string;
  readonly strokeWidth: number;
  readonly dash?: string;
  readonly role: NodeRole;
  readonly incidents: readonly OpenIncident[];
}

export type EdgeEmphasis = 'unhealthy' | 'impacted' | 'affected' | 'none';

export interface EdgeView {
  readonly key: string;
  readonly source: string;
  readonly target: string;
  readonly path: string;
  readonly stroke: string;
  readonly width: number;
  readonly dash?: string;
  readonly emphasis: EdgeEmphasis;
  readonly reversed: boolean;
  /** "orders → replica: read-heavy queries (soft)" when the edge has a meaning; shown as its tooltip. */
  readonly label?: string;
}

/**
 * Drops components that need no attention: operational (or without state), not impacted, not a
 * root cause and not in an open incident. Edges follow their ends.
 */
export function filterModel(model: GraphModel, incidents: ReadonlyMap<string, readonly OpenIncident[]>, hideOperational: boolean): GraphModel {
  if (!hideOperational) {
    return model;
  }
  const keep = new Set(
    model.nodes
      .filter((n) => (n.state !== undefined && n.state !== 'operational') || n.rootCauses.length > 0 || n.maintenanceWindow !== undefined || model.rootCauses.has(n.id) || (incidents.get(n.id)?.length ?? 0) > 0)
      .map((n) => n.id),
  );
  return {
    ...model,
    nodes: model.nodes.filter((n) => keep.has(n.id)),
    edges: model.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  };
}

const MAINTENANCE_COLOR = '#3d7bd9';

/** "under maintenance" for a component in a window, "planned" for planned impact, else nothing. */
export function maintenanceWord(n: ComponentNode): string | undefined {
  if (n.maintenanceWindow !== undefined) {
    return 'under maintenance';
  }
  return n.planned ? 'planned' : undefined;
}

export function buildView(
  model: GraphModel,
  layout: GraphLayout,
  incidents: ReadonlyMap<string, readonly OpenIncident[]>,
  palette: Palette,
  showLatency: boolean,
): { nodes: NodeView[]; edges: EdgeView[] } {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const edgeMeaning = new Map(model.edges.filter((e) => e.strength !== undefined).map((e) => [`${e.source}\u0000${e.target}`, e]));
  const colorOf = (n: ComponentNode | undefined) => (n?.state ? palette.state[n.state] : palette.unknown);
  const nodes: NodeView[] = layout.nodes.map((p) => {
    const n = byId.get(p.id) as ComponentNode;
    const role: NodeRole = model.rootCauses.has(n.id) ? 'root-cause' : n.rootCauses.length > 0 ? 'impacted' : 'none';
    const fill = colorOf(n);
    // Impacted nodes keep their own fill (their own probes may pass) and get a dashed outline
    // in the colour of what takes them down; a root cause gets a heavy solid outline.
    const rootColor = colorOf(byId.get(n.rootCauses[0] ?? ''));
    const latency = showLatency && n.latencySeconds !== undefined ? formatSeconds(n.latencySeconds) : undefined;
    return {
      id: n.id,
      node: n,
      x: p.x,
      y: p.y,
      width: p.width,
      height: p.height,
      label: n.displayName ?? n.id,
      detail: [n.state ? STATE_LABELS[n.state] : 'No data', maintenanceWord(n), latency].filter(Boolean).join(' · '),
      fill,
      textColor: readableTextOn(fill),
      // Planned work (a maintenance window) in its own colour, dotted: never an outage's outline.
      stroke: n.planned || n.maintenanceWindow !== undefined ? palette.maintenance ?? MAINTENANCE_COLOR
        : role === 'root-cause' ? palette.rootCause : role === 'impacted' ? rootColor : 'transparent',
      strokeWidth: role === 'root-cause' ? 4 : role === 'impacted' || n.planned || n.maintenanceWindow !== undefined ? 3 : 0,
      dash: n.planned || n.maintenanceWindow !== undefined ? '2 3' : role === 'impacted' ? '7 4' : undefined,
      role,
      incidents: incidents.get(n.id) ?? [],
    };
  });
  const edges: EdgeView[] = layout.edges.map((e) => {
    const dep = byId.get(e.target);
    const meaning = edgeMeaning.get(`${e.source}\u0000${e.target}`);
    const strength = meaning?.strength ?? 'hard';
    // Core's per-edge rule, the one computeEffects walks with: soft weakens, none stops.
    const effect = edgeEffect(strength, dep && { state: dep.state, impacted: dep.rootCauses.length > 0, affected: (dep.affectedBy?.length ?? 0) > 0 });
    const emphasis: EdgeEmphasis = effect === 'impacted' ? (isUnhealthy(dep?.state) ? 'unhealthy' : 'impacted') : effect ?? 'none';
    return {
      key: `${e.source}->${e.target}`,
      source: e.source,
      target: e.target,
      path: pathThrough(e.points, layout.direction),
      stroke: emphasis === 'unhealthy' ? colorOf(dep) : emphasis === 'impacted' ? colorOf(byId.get(dep?.rootCauses[0] ?? '')) : emphasis === 'affected' ? palette.state.degraded : palette.edge,
      width: emphasis === 'unhealthy' ? 3 : emphasis === 'impacted' || emphasis === 'affected' ? 2 : 1.25,
      // Soft edges drawn apart (short dashes), none edges dotted: the shape says the strength.
      dash: e.reversed ? '3 3' : strength === 'soft' ? '2 3' : strength === 'none' ? '1 4' : emphasis === 'impacted' ? '6 4' : undefined,
      emphasis,
      reversed: e.reversed,
      ...(meaning ? { label: `${e.source} → ${e.target}${meaning.carries ? `: ${meaning.carries}` : ''} (${strength})` } : {}),
    };
  });
  // Highlighted edges last, so they are drawn over the plain ones.
  const rank: Record<EdgeEmphasis, number> = { none: 0, affected: 1, impacted: 2, unhealthy: 3 };
  edges.sort((a, b) => rank[a.emphasis] - rank[b.emphasis] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { nodes, edges };
}

/**
 * SVG path through routed points: an S-curve across each gap between layers, straight lines
 * where an edge passes through a layer.
 */
export function pathThrough(points: readonly Point[], direction: Direction): string {
  if (points.length === 0) {
    return '';
  }
  const f = (v: number) => String(Math.round(v * 10) / 10);
  const first = points[0] as Point;
  let d = `M${f(first.x)},${f(first.y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const straight = direction === 'LR' ? a.y === b.y : a.x === b.x;
    if (straight) {
      d += ` L${f(b.x)},${f(b.y)}`;
    } else if (direction === 'LR') {
      const mx = (a.x + b.x) / 2;
      d += ` C${f(mx)},${f(a.y)} ${f(mx)},${f(b.y)} ${f(b.x)},${f(b.y)}`;
    } else {
      const my = (a.y + b.y) / 2;
      d += ` C${f(a.x)},${f(my)} ${f(b.x)},${f(my)} ${f(b.x)},${f(b.y)}`;
    }
  }
  return d;
}

/** Dark or light text, whichever reads better on `background` (hex or rgb()). */
export function readableTextOn(background: string): string {
  const rgb = parseColor(background);
  if (!rgb) {
    return '#ffffff';
  }
  const lin = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * (lin[0] as number) + 0.7152 * (lin[1] as number) + 0.0722 * (lin[2] as number);
  // Contrast against black vs white: pick the larger.
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#111217' : '#ffffff';
}

export function parseColor(c: string): [number, number, number] | undefined {
  const s = c.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    return [...(m[1] as string)].map((h) => parseInt(h + h, 16)) as [number, number, number];
  }
  m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(s);
  if (m) {
    return [0, 2, 4].map((i) => parseInt((m as RegExpExecArray)[1]!.slice(i, i + 2), 16)) as [number, number, number];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m) {
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return undefined;
}

/**
 * The runbook comes from a metric label: only http(s) and same-origin paths may become a link,
 * never `javascript:` or `data:` URLs.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  const u = url.trim();
  if (u.startsWith('/') && !u.startsWith('//')) {
    return u;
  }
  try {
    const parsed = new URL(u);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
