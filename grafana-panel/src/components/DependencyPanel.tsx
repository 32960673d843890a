import React, { useCallback, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, LinkModel, PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { PanelDataErrorView } from '@grafana/runtime';
import { layoutGraph, type GraphLayout, STATES, type State } from '@statusgraph/core';
import { checkerBanner, unhealthyCheckers } from '../model/checkers.js';
import { openIncidentsByComponent } from '../model/incidents.js';
import { buildGraphModel } from '../model/join.js';
import { DEFAULT_COLORS, type PanelOptions } from '../types.js';
import { GraphSvg } from './GraphSvg.js';
import { NodeTooltip } from './NodeTooltip.js';
import { buildView, filterModel, safeHref, type NodeView, type Palette } from './view.js';

const NO_DATA_MESSAGE =
  'No statusgraph series: query statusgraph_component_status, statusgraph_dependency_info, statusgraph_component_impacted, ' +
  'statusgraph_component_info and statusgraph_probe_duration_seconds (instant), or Node Graph nodes/edges frames.';

export function DependencyPanel(props: PanelProps<PanelOptions>) {
  const { data, options, width, height, id, fieldConfig, timeRange } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const containerRef = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ view: NodeView; x: number; y: number } | undefined>();

  const model = useMemo(() => buildGraphModel(data.series), [data.series]);
  const checkers = useMemo(() => checkerBanner(unhealthyCheckers(data.series)), [data.series]);
  // The range's end, never the clock: render stays pure (react-hooks/purity), and the same props draw the same picture.
  const rangeEnd = timeRange.to.valueOf();
  const incidents = useMemo(() => openIncidentsByComponent(data.annotations, rangeEnd, data.series), [data.annotations, rangeEnd, data.series]);
  const visible = useMemo(() => filterModel(model, incidents, options.hideOperational), [model, incidents, options.hideOperational]);
  const layout = useMemo<GraphLayout | Error>(() => {
    try {
      return layoutGraph(
        { nodes: visible.nodes.map((n) => ({ id: n.id, tier: n.tier })), edges: visible.edges },
        { direction: options.direction, groupByTier: options.groupByTier },
      );
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }, [visible, options.direction, options.groupByTier]);
  const palette = useMemo(() => resolvePalette(theme, options.colors), [theme, options.colors]);
  const view = useMemo(
    () => (layout instanceof Error ? undefined : buildView(visible, layout, incidents, palette, options.showLatency)),
    [visible, layout, incidents, palette, options.showLatency],
  );

  const linksOf = useCallback((n: NodeView): LinkModel[] => {
    const out: LinkModel[] = [];
    const runbook = safeHref(n.node.runbook);
    if (runbook) {
      out.push({ href: runbook, title: 'Runbook', target: '_blank', origin: n.node });
    }
    const src = n.node.linkSource;
    if (src?.field.getLinks) {
      try {
        out.push(...src.field.getLinks({ valueRowIndex: src.rowIndex }));
      } catch {
        // A broken data link template must not take the graph down; the runbook still works.
      }
    }
    return out;
  }, []);
  // Data links are Grafana's own, but they still pass the same check before becoming an href.
  const hrefOf = useCallback((n: NodeView) => linksOf(n).map((l) => safeHref(l.href)).find((h) => h !== undefined), [linksOf]);
  const onHover = useCallback((n: NodeView | undefined, at?: { x: number; y: number }) => {
    if (!n) {
      return setHover(undefined);
    }
    const box = containerRef.current?.getBoundingClientRect();
    // Keyboard focus has no pointer position: anchor the tooltip at the top-left.
    setHover({ view: n, x: at && box ? at.x - box.left : 8, y: at && box ? at.y - box.top : 8 });
  }, []);

  if (model.nodes.length === 0) {
    return <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} needsStringField message={NO_DATA_MESSAGE} />;
  }
  if (layout instanceof Error) {
    return <div className={styles.message}>Cannot lay out the graph: {layout.message}</div>;
  }
  if (visible.nodes.length === 0) {
    return <div className={styles.message} data-testid="statusgraph-all-operational">All {model.nodes.length} components operational</div>;
  }
  const impactedCount = hover?.view.role === 'root-cause' ? model.nodes.filter((n) => n.rootCauses.includes(hover.view.id)).length : 0;
  const tooltipLeft = hover ? Math.min(hover.x + 14, Math.max(0, width - 300)) : 0;

  return (
    <div ref={containerRef} className={styles.container} style={{ width, height }} data-testid="statusgraph-panel">
      {checkers ? <div className={styles.warning} role="status" data-testid="statusgraph-checker-banner">{checkers}</div> : null}
      <GraphSvg
        layout={layout}
        nodes={view!.nodes}
        edges={view!.edges}
        width={width}
        height={height - (model.warnings.length > 0 ? 18 : 0) - (checkers ? 18 : 0)}
        fontFamily={theme.typography.fontFamily}
        bandFill={theme.colors.background.secondary}
        bandText={theme.colors.text.secondary}
        badgeFill={palette.badge}
        rootCauseColor={palette.rootCause}
        hrefOf={hrefOf}
        onHover={onHover}
        className={styles.graph}
      />
      {model.warnings.length > 0 ? <div className={styles.warning} title={model.warnings.join('\n')}>{model.warnings.join('; ')}</div> : null}
      {hover ? (
        <NodeTooltip
          view={hover.view}
          links={linksOf(hover.view)}
          impactedCount={impactedCount}
          stateColor={hover.view.fill}
          className={styles.tooltip}
          style={{ left: tooltipLeft, top: Math.min(hover.y + 14, Math.max(0, height - 60)) }}
        />
      ) : null}
    </div>
  );
}

/** State colours from the options (Grafana colour names or CSS), resolved through the theme. */
export function resolvePalette(theme: GrafanaTheme2, colors: Partial<Record<State, string>> | undefined): Palette {
  const byName = (c: string) => theme.visualization.getColorByName(c);
  const state = Object.fromEntries(STATES.map((s) => [s, byName(colors?.[s] || DEFAULT_COLORS[s])])) as Record<State, string>;
  return {
    state,
    unknown: theme.colors.text.disabled,
    edge: theme.colors.border.strong,
    text: theme.colors.text.primary,
    rootCause: theme.colors.text.primary,
    badge: byName('purple'),
    maintenance: byName('blue'),
  };
}

function getStyles(theme: GrafanaTheme2) {
  return {
    container: css({ position: 'relative', overflow: 'hidden' }),
    graph: css({ '[data-node]': { cursor: 'pointer' }, 'a:focus-visible [data-mark="body"]': { outline: `2px solid ${theme.colors.primary.main}` } }),
    tooltip: css({
      position: 'absolute',
      zIndex: 10,
      maxWidth: 320,
      padding: '6px 8px',
      pointerEvents: 'none',
      background: theme.colors.background.primary,
      color: theme.colors.text.primary,
      border: `1px solid ${theme.colors.border.medium}`,
      borderRadius: theme.shape.radius.default,
      boxShadow: theme.shadows.z3,
      fontSize: theme.typography.bodySmall.fontSize,
      lineHeight: 1.5,
    }),
    message: css({ display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%', color: theme.colors.text.secondary }),
    warning: css({ height: 18, fontSize: 11, color: theme.colors.warning.text, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }),
  };
}
