import React from 'react';
import type { GraphLayout } from '../layout/layout.js';
import { readableTextOn, type EdgeView, type NodeView } from './view.js';

export interface GraphSvgProps {
  readonly layout: GraphLayout;
  readonly nodes: readonly NodeView[];
  readonly edges: readonly EdgeView[];
  readonly width: number;
  readonly height: number;
  readonly fontFamily: string;
  readonly bandFill: string;
  readonly bandText: string;
  readonly badgeFill: string;
  readonly rootCauseColor: string;
  /** URL opened when a node is clicked (runbook or first data link). */
  readonly hrefOf: (node: NodeView) => string | undefined;
  readonly onHover: (node: NodeView | undefined, at?: { x: number; y: number }) => void;
  /** Styles shared by all nodes (one class instead of an inline style on each). */
  readonly className?: string;
}

const MAX_LABEL = 22;

/** The SVG drawing: tier bands, edges, nodes with role marks and incident badges. */
export function GraphSvg(p: GraphSvgProps) {
  const { layout } = p;
  const markerIds = [...new Set(p.edges.map((e) => e.stroke))];
  const markerOf = (stroke: string) => `sg-arrow-${markerIds.indexOf(stroke)}`;
  return (
    <svg
      width={p.width}
      height={p.height}
      viewBox={`0 0 ${Math.max(1, layout.width)} ${Math.max(1, layout.height)}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label="Component dependency graph"
      style={{ fontFamily: p.fontFamily, display: 'block' }}
      className={p.className}
    >
      <defs>
        {markerIds.map((stroke) => (
          <marker key={stroke} id={markerOf(stroke)} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={stroke} />
          </marker>
        ))}
      </defs>
      {layout.bands.map((b) => (
        <g key={b.tier} data-band={b.tier}>
          <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={6} fill={p.bandFill} />
          <text x={b.x + 8} y={b.y + 15} fontSize={11} fill={p.bandText} style={{ textTransform: 'uppercase', letterSpacing: '0.06em' }}>
            {b.tier || 'untiered'}
          </text>
        </g>
      ))}
      <g data-layer="edges" fill="none">
        {p.edges.map((e) => (
          <path
            key={e.key}
            d={e.path}
            stroke={e.stroke}
            strokeWidth={e.width}
            strokeDasharray={e.dash}
            markerEnd={`url(#${markerOf(e.stroke)})`}
            data-edge={e.key}
            data-emphasis={e.emphasis}
            data-reversed={e.reversed ? 'true' : undefined}
          >
            {e.reversed ? <title>{`${e.source} → ${e.target} closes a dependency cycle`}</title> : null}
          </path>
        ))}
      </g>
      <g data-layer="nodes">
        {p.nodes.map((n) => {
          const href = p.hrefOf(n);
          const body = <NodeShape n={n} badgeFill={p.badgeFill} rootCauseColor={p.rootCauseColor} />;
          const hover = {
            onMouseEnter: (ev: React.MouseEvent) => p.onHover(n, { x: ev.clientX, y: ev.clientY }),
            onMouseMove: (ev: React.MouseEvent) => p.onHover(n, { x: ev.clientX, y: ev.clientY }),
            onMouseLeave: () => p.onHover(undefined),
            onFocus: () => p.onHover(n),
            onBlur: () => p.onHover(undefined),
          };
          return href ? (
            <a key={n.id} href={href} target="_blank" rel="noopener noreferrer" aria-label={`${n.label}: open runbook`} {...hover}>
              {body}
            </a>
          ) : (
            <g key={n.id} tabIndex={0} {...hover}>
              {body}
            </g>
          );
        })}
      </g>
    </svg>
  );
}

function NodeShape({ n, badgeFill, rootCauseColor }: { n: NodeView; badgeFill: string; rootCauseColor: string }) {
  const label = n.label.length > MAX_LABEL ? `${n.label.slice(0, MAX_LABEL - 1)}…` : n.label;
  return (
    <g
      data-node={n.id}
      data-state={n.node.state ?? 'unknown'}
      data-role={n.role}
      data-incidents={n.incidents.length}
      transform={`translate(${n.x},${n.y})`}
    >
      {n.role === 'root-cause' ? (
        <rect data-mark="root-cause-halo" x={-6} y={-6} width={n.width + 12} height={n.height + 12} rx={10} fill="none" stroke={n.fill} strokeOpacity={0.45} strokeWidth={3} />
      ) : null}
      <rect
        data-mark="body"
        width={n.width}
        height={n.height}
        rx={6}
        fill={n.fill}
        stroke={n.stroke}
        strokeWidth={n.strokeWidth}
        strokeDasharray={n.dash}
      />
      <text x={10} y={18} fontSize={13} fontWeight={600} fill={n.textColor}>
        {label}
      </text>
      <text x={10} y={34} fontSize={11} fill={n.textColor} data-mark="detail">
        {n.detail}
      </text>
      {n.role === 'impacted' ? (
        <g data-mark="impacted" transform={`translate(${n.width - 14},${n.height - 12})`}>
          <circle r={8} fill={n.stroke} stroke={n.textColor} strokeWidth={1} />
          <text textAnchor="middle" y={4} fontSize={11} fontWeight={700} fill={n.textColor === '#ffffff' ? '#111217' : '#ffffff'}>
            ↯
          </text>
        </g>
      ) : null}
      {n.role === 'root-cause' ? (
        <g data-mark="root-cause" transform={`translate(${n.width / 2},-6)`}>
          <rect x={-40} y={-9} width={80} height={16} rx={8} fill={rootCauseColor} />
          <text textAnchor="middle" y={3} fontSize={10} fontWeight={700} fill={readableTextOn(rootCauseColor)}>
            ROOT CAUSE
          </text>
        </g>
      ) : null}
      {n.incidents.length > 0 ? (
        <g data-mark="incident-badge" transform={`translate(${n.width},0)`}>
          <circle r={10} fill={badgeFill} stroke="#ffffff" strokeWidth={1.5} />
          <text textAnchor="middle" y={4} fontSize={11} fontWeight={700} fill="#ffffff">
            {n.incidents.length > 9 ? '9+' : String(n.incidents.length)}
          </text>
        </g>
      ) : null}
    </g>
  );
}
