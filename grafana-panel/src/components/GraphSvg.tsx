import React, { useCallback, useId, useMemo } from 'react';
import { graphMarkup, type MarkupInput } from './markup.js';
import type { NodeView } from './view.js';

/** What the markup needs (its id prefix is made here, per panel), plus size, font and hover. */
export interface GraphSvgProps extends Omit<MarkupInput, 'idPrefix'> {
  readonly width: number;
  readonly height: number;
  readonly fontFamily: string;
  readonly onHover: (node: NodeView | undefined, at?: { x: number; y: number }) => void;
  /** Styles shared by all nodes (one class instead of an inline style on each). */
  readonly className?: string;
}

/**
 * The SVG drawing: tier bands, edges, nodes with role marks and incident badges. The content is
 * markup (see markup.ts); hover and focus are handled once here, by delegation.
 */
export function GraphSvg(p: GraphSvgProps) {
  const { layout, nodes, edges, bandFill, bandText, badgeFill, rootCauseColor, hrefOf, onHover } = p;
  const idPrefix = `sg${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const html = useMemo(
    () => ({ __html: graphMarkup({ layout, nodes, edges, bandFill, bandText, badgeFill, rootCauseColor, idPrefix, hrefOf }) }),
    [layout, nodes, edges, bandFill, bandText, badgeFill, rootCauseColor, idPrefix, hrefOf],
  );
  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const nodeAt = useCallback((target: EventTarget | null) => {
    // Pointer events hit shapes inside a node; focus lands on the link or group around it.
    const el = target instanceof Element ? (target.closest('[data-node]') ?? target.querySelector(':scope > [data-node]')) : null;
    return el ? byId.get(el.getAttribute('data-node') ?? '') : undefined;
  }, [byId]);
  const onPointer = useCallback((ev: React.MouseEvent) => {
    const n = nodeAt(ev.target);
    onHover(n, n ? { x: ev.clientX, y: ev.clientY } : undefined);
  }, [nodeAt, onHover]);
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
      onMouseOver={onPointer}
      onMouseMove={onPointer}
      onMouseLeave={() => onHover(undefined)}
      onFocus={(ev) => onHover(nodeAt(ev.target))}
      onBlur={() => onHover(undefined)}
      dangerouslySetInnerHTML={html}
    />
  );
}
