import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  createDataFrame,
  createTheme,
  dateTime,
  EventBusSrv,
  FieldType,
  LoadingState,
  ThemeContext,
  type DataFrame,
  type PanelProps,
} from '@grafana/data';
import { DependencyPanel } from '../../src/components/DependencyPanel.js';
import { DEFAULT_OPTIONS, type PanelOptions } from '../../src/types.js';
import { tableFrames } from '../support/frames.js';
import { OUTAGE_IMPACTED, OUTAGE_INCIDENT, REFERENCE, ROOT_CAUSE, outageSeries } from '../support/reference.js';
import { plugin } from '../../src/module.js';

const theme = createTheme();
const color = (name: string) => theme.visualization.getColorByName(name);
const NOW = Date.parse('2026-11-21T08:00:00Z');

function incidentAnnotations(): DataFrame {
  return createDataFrame({
    fields: [
      { name: 'id', type: FieldType.number, values: [OUTAGE_INCIDENT.id] },
      { name: 'time', type: FieldType.time, values: [NOW - 5 * 60_000] },
      { name: 'timeEnd', type: FieldType.time, values: [null] },
      { name: 'title', type: FieldType.string, values: [OUTAGE_INCIDENT.title] },
      { name: 'text', type: FieldType.string, values: ['Opened automatically'] },
      { name: 'tags', type: FieldType.other, values: [[...OUTAGE_INCIDENT.tags]] },
    ],
  });
}

function renderPanel(series: DataFrame[], options: Partial<PanelOptions> = {}, annotations: DataFrame[] = [incidentAnnotations()]) {
  const timeRange = { from: dateTime(NOW - 3_600_000), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } };
  const props = {
    id: 1,
    data: { state: LoadingState.Done, series, annotations, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    transparent: false,
    width: 1100,
    height: 520,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Dependencies',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (s: string) => s,
    onChangeTimeRange: () => {},
  } as unknown as PanelProps<PanelOptions>;
  return render(
    <ThemeContext.Provider value={theme}>
      <DependencyPanel {...props} />
    </ThemeContext.Provider>,
  );
}

const nodeEl = (c: HTMLElement, id: string) => c.querySelector(`[data-node="${id}"]`) as SVGGElement;
const bodyOf = (c: HTMLElement, id: string) => nodeEl(c, id).querySelector('[data-mark="body"]') as SVGRectElement;

describe('DependencyPanel', () => {
  it('declares annotation support and its options', () => {
    expect(plugin.dataSupport.annotations).toBe(true);
    // Grafana's real builder needs the app's editor registry; a recorder sees the same calls.
    const items: Array<{ kind: string; path: string; defaultValue: unknown }> = [];
    const builder: object = new Proxy({}, {
      get: (_t, kind: string) => (config: { path: string; defaultValue: unknown }) => {
        items.push({ kind, path: config.path, defaultValue: config.defaultValue });
        return builder;
      },
    });
    plugin.getPanelOptionsSupplier()(builder as never, { data: [] });
    expect(items.map((i) => i.kind)).toEqual(['addRadio', 'addBooleanSwitch', 'addBooleanSwitch', 'addBooleanSwitch', 'addColorPicker', 'addColorPicker', 'addColorPicker', 'addColorPicker']);
    expect(items.map((i) => i.path)).toEqual([
      'direction', 'groupByTier', 'showLatency', 'hideOperational',
      'colors.operational', 'colors.degraded', 'colors.partial_outage', 'colors.major_outage',
    ]);
    expect(Object.fromEntries(items.map((i) => [i.path, i.defaultValue]))).toMatchObject({ direction: 'LR', 'colors.major_outage': 'red' });
  });

  it('colours each node by its own state from the theme', () => {
    const { container } = renderPanel(tableFrames());
    expect(container.querySelectorAll('[data-node]')).toHaveLength(REFERENCE.length);
    expect(bodyOf(container, ROOT_CAUSE).getAttribute('fill')).toBe(color('red'));
    expect(bodyOf(container, 'postgresql-replica').getAttribute('fill')).toBe(color('orange'));
    expect(bodyOf(container, 'payments').getAttribute('fill')).toBe(color('yellow'));
    expect(bodyOf(container, 'orders').getAttribute('fill')).toBe(color('green'));
  });

  it('marks impacted nodes differently from failing ones and emphasises the root cause', () => {
    const { container } = renderPanel(tableFrames());
    const impacted = [...container.querySelectorAll('[data-role="impacted"]')].map((e) => e.getAttribute('data-node')).sort();
    expect(impacted).toEqual([...OUTAGE_IMPACTED].sort());
    for (const id of impacted) {
      const body = bodyOf(container, id!);
      expect(body.getAttribute('stroke-dasharray')).toBeTruthy();
      expect(body.getAttribute('stroke')).toBe(color('red'));
      expect(nodeEl(container, id!).querySelector('[data-mark="impacted"]')).not.toBeNull();
    }
    const root = nodeEl(container, ROOT_CAUSE);
    expect(root.getAttribute('data-role')).toBe('root-cause');
    expect(root.querySelector('[data-mark="root-cause"]')!.textContent).toBe('ROOT CAUSE');
    expect(bodyOf(container, ROOT_CAUSE).getAttribute('stroke-dasharray')).toBeNull();
    expect(Number(bodyOf(container, ROOT_CAUSE).getAttribute('stroke-width'))).toBeGreaterThan(Number(bodyOf(container, 'orders').getAttribute('stroke-width')));
    // Healthy and not impacted: no outline at all.
    expect(nodeEl(container, 'worker').getAttribute('data-role')).toBe('none');
    expect(bodyOf(container, 'worker').getAttribute('stroke-width')).toBe('0');
  });

  it('highlights edges out of an unhealthy dependency', () => {
    const { container } = renderPanel(tableFrames());
    const edge = (k: string) => container.querySelector(`[data-edge="${k}"]`) as SVGPathElement;
    expect(edge('orders->postgresql-primary').getAttribute('data-emphasis')).toBe('unhealthy');
    expect(edge('orders->postgresql-primary').getAttribute('stroke')).toBe(color('red'));
    expect(edge('auth->postgresql-replica').getAttribute('stroke')).toBe(color('orange'));
    expect(edge('frontend->api-gateway').getAttribute('data-emphasis')).toBe('impacted');
    expect(edge('worker->redis-cache').getAttribute('data-emphasis')).toBe('none');
    expect(Number(edge('orders->postgresql-primary').getAttribute('stroke-width'))).toBeGreaterThan(Number(edge('worker->redis-cache').getAttribute('stroke-width')));
  });

  it('labels nodes with name and latency, and hides latency when asked', () => {
    const { container, unmount } = renderPanel(tableFrames());
    expect(nodeEl(container, 'payments').textContent).toContain('Payments');
    expect(nodeEl(container, 'payments').textContent).toContain('212 ms');
    expect(nodeEl(container, ROOT_CAUSE).textContent).toContain('10 s');
    unmount();
    const again = renderPanel(tableFrames(), { showLatency: false });
    expect(nodeEl(again.container, 'payments').textContent).not.toContain('212 ms');
    expect(nodeEl(again.container, 'payments').textContent).toContain('Degraded');
  });

  it('puts a badge on every component of an open incident and lists it in the tooltip', () => {
    const { container } = renderPanel(tableFrames());
    const badged = [...container.querySelectorAll('[data-mark="incident-badge"]')].map((b) => b.closest('[data-node]')!.getAttribute('data-node')).sort();
    expect(badged).toEqual([ROOT_CAUSE, ...OUTAGE_IMPACTED].sort());
    fireEvent.mouseOver(bodyOf(container, 'orders'));
    const tip = screen.getByTestId('statusgraph-tooltip');
    expect(within(tip).getByTestId('tooltip-incidents').textContent).toContain(OUTAGE_INCIDENT.title);
    expect(within(tip).getByTestId('tooltip-incidents').textContent).toContain('critical');
  });

  it('shows state, latency, baseline, probe errors and root cause in the tooltip', () => {
    const s = outageSeries();
    s.statusgraph_probe_success = REFERENCE.map((c) => ({
      metric: 'statusgraph_probe_success', labels: { component: c.name, probe: c.probes[0]! }, value: c.name === ROOT_CAUSE ? 0 : 1,
    }));
    const { container } = renderPanel(tableFrames(s));
    fireEvent.mouseOver(bodyOf(container, ROOT_CAUSE));
    let tip = screen.getByTestId('statusgraph-tooltip');
    expect(tip.textContent).toContain('Major outage');
    expect(tip.textContent).toContain('10 s');
    expect(tip.textContent).toContain('baseline 2 ms');
    expect(within(tip).getByTestId('tooltip-errors').textContent).toContain('probe postgres failing');
    expect(within(tip).getByTestId('tooltip-root-of').textContent).toBe(`Root cause of ${OUTAGE_IMPACTED.length} impacted components`);
    fireEvent.mouseLeave(container.querySelector('svg')!);
    expect(screen.queryByTestId('statusgraph-tooltip')).toBeNull();
    fireEvent.mouseOver(bodyOf(container, 'auth'));
    tip = screen.getByTestId('statusgraph-tooltip');
    expect(within(tip).getByTestId('tooltip-root-cause').textContent).toBe(`Impacted, root cause: ${ROOT_CAUSE}`);
    expect(within(tip).queryByTestId('tooltip-errors')).toBeNull();
  });

  it('links a node to its runbook, or to the data link when there is no runbook', () => {
    const { container, unmount } = renderPanel(tableFrames());
    const a = nodeEl(container, 'orders').closest('a')!;
    expect(a.getAttribute('href')).toBe('https://wiki.example/runbooks/orders');
    expect(a.getAttribute('target')).toBe('_blank');
    unmount();
    const s = outageSeries();
    delete s.statusgraph_component_info;
    const frames = tableFrames(s);
    const status = frames[0]!;
    const valueField = status.fields.find((f) => f.type === FieldType.number)!;
    const components = status.fields.find((f) => f.name === 'component')!.values;
    valueField.getLinks = ({ valueRowIndex }) => [
      { href: `/d/svc?var-component=${components[valueRowIndex!]}`, title: 'Service dashboard', target: '_self', origin: valueField },
    ];
    const again = renderPanel(frames);
    expect(nodeEl(again.container, 'payments').closest('a')!.getAttribute('href')).toBe('/d/svc?var-component=payments');
  });

  it('never turns a javascript: runbook into a link', () => {
    const s = outageSeries();
    s.statusgraph_component_info = s.statusgraph_component_info!.map((x) =>
      x.labels.component === 'orders' ? { ...x, labels: { ...x.labels, runbook: 'javascript:alert(1)' } } : x);
    const { container } = renderPanel(tableFrames(s));
    expect(nodeEl(container, 'orders').closest('a')).toBeNull();
    expect(nodeEl(container, 'payments').closest('a')!.getAttribute('href')).toBe('https://wiki.example/runbooks/payments');
  });

  it('shows a banner naming an unhealthy checker of a cluster, and none when every checker is healthy', () => {
    const s = outageSeries();
    const checker = (replica: string, value: number) => ({ metric: 'statusgraph_replica_checker_healthy', labels: { replica }, value });
    const { container, unmount } = renderPanel(tableFrames({ ...s, statusgraph_replica_checker_healthy: [checker('eu-1', 1), checker('us-1', 0)] }));
    const banner = screen.getByTestId('statusgraph-checker-banner');
    expect(banner.textContent).toBe('Checker unhealthy: replica us-1 (results set aside; components show what the other replicas see)');
    expect(banner.getAttribute('role')).toBe('status');
    // The graph itself is unchanged: every node, drawn 18 px shorter.
    expect(container.querySelectorAll('[data-node]')).toHaveLength(REFERENCE.length);
    unmount();
    renderPanel(tableFrames({ ...s, statusgraph_replica_checker_healthy: [checker('eu-1', 1), checker('us-1', 1)] }));
    expect(screen.queryByTestId('statusgraph-checker-banner')).toBeNull();
  });

  it('hides operational components that are not involved when asked', () => {
    const { container } = renderPanel(tableFrames(), { hideOperational: true }, []);
    const shown = [...container.querySelectorAll('[data-node]')].map((e) => e.getAttribute('data-node')).sort();
    expect(shown).toEqual([ROOT_CAUSE, ...OUTAGE_IMPACTED].sort());
    expect(container.querySelector('[data-node="worker"]')).toBeNull();
  });

  it('says all is well when everything is operational and hidden', () => {
    const s = outageSeries();
    s.statusgraph_component_status = s.statusgraph_component_status!.map((x) => ({ ...x, value: 0 }));
    delete s.statusgraph_component_impacted;
    renderPanel(tableFrames(s), { hideOperational: true }, []);
    expect(screen.getByTestId('statusgraph-all-operational').textContent).toBe(`All ${REFERENCE.length} components operational`);
  });

  it('uses the state colours from the options', () => {
    const { container } = renderPanel(tableFrames(), { colors: { ...DEFAULT_OPTIONS.colors, major_outage: '#123456', operational: 'blue' } });
    expect(bodyOf(container, ROOT_CAUSE).getAttribute('fill')).toBe('#123456');
    expect(bodyOf(container, 'worker').getAttribute('fill')).toBe(color('blue'));
  });

  it('switches direction and tier grouping', () => {
    const lr = renderPanel(tableFrames(), { direction: 'LR', groupByTier: true });
    const bands = [...lr.container.querySelectorAll('[data-band]')].map((b) => b.getAttribute('data-band'));
    expect(bands).toEqual(['service', 'infrastructure', 'third-party']);
    const x = (c: HTMLElement, id: string) => Number(/translate\(([-\d.]+),([-\d.]+)\)/.exec(nodeEl(c, id).getAttribute('transform')!)![1]);
    const y = (c: HTMLElement, id: string) => Number(/translate\(([-\d.]+),([-\d.]+)\)/.exec(nodeEl(c, id).getAttribute('transform')!)![2]);
    expect(x(lr.container, 'frontend')).toBeLessThan(x(lr.container, ROOT_CAUSE));
    lr.unmount();
    const tb = renderPanel(tableFrames(), { direction: 'TB', groupByTier: false });
    expect(tb.container.querySelectorAll('[data-band]')).toHaveLength(0);
    expect(y(tb.container, 'frontend')).toBeLessThan(y(tb.container, ROOT_CAUSE));
  });

  it('draws a dependency cycle in the data instead of failing', () => {
    const { container } = renderPanel(tableFrames({
      statusgraph_component_status: [
        { metric: 'statusgraph_component_status', labels: { component: 'a', tier: 'service' }, value: 0 },
        { metric: 'statusgraph_component_status', labels: { component: 'b', tier: 'service' }, value: 3 },
      ],
      statusgraph_dependency_info: [
        { metric: 'statusgraph_dependency_info', labels: { component: 'a', depends_on: 'b' }, value: 1 },
        { metric: 'statusgraph_dependency_info', labels: { component: 'b', depends_on: 'a' }, value: 1 },
      ],
    }), {}, []);
    expect(container.querySelectorAll('[data-node]')).toHaveLength(2);
    expect(container.querySelectorAll('[data-edge]')).toHaveLength(2);
    expect(container.querySelectorAll('[data-reversed="true"]')).toHaveLength(1);
  });

  it('shows labels from metrics as text, never as markup', () => {
    const s = outageSeries();
    s.statusgraph_component_info = s.statusgraph_component_info!.map((x) =>
      x.labels.component === 'orders' ? { ...x, labels: { ...x.labels, display_name: '<img src=x onerror="window.__pwned=1">Orders' } } : x);
    const { container } = renderPanel(tableFrames(s), { colors: { ...DEFAULT_OPTIONS.colors, operational: '"/><script>1</script>' } });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(nodeEl(container, 'orders').querySelector('text')!.textContent).toMatch(/^<img src=x onerror="/);
    expect(bodyOf(container, 'worker').getAttribute('fill')).toBe('"/><script>1</script>');
  });

  it('shows the tooltip for a node reached with the keyboard', () => {
    const { container } = renderPanel(tableFrames());
    // Browsers send focusin along with focus; React's onFocus listens to it.
    fireEvent.focusIn(nodeEl(container, 'payments').closest('a')!);
    expect(screen.getByTestId('statusgraph-tooltip').textContent).toContain('Degraded');
    fireEvent.focusOut(nodeEl(container, 'payments').closest('a')!);
    expect(screen.queryByTestId('statusgraph-tooltip')).toBeNull();
  });

  it('reports series with missing labels under the graph', () => {
    const s = outageSeries();
    s.statusgraph_component_status = [...s.statusgraph_component_status!, { metric: 'statusgraph_component_status', labels: { tier: 'service' }, value: 2 }];
    renderPanel(tableFrames(s));
    expect(screen.getByText('1 series or rows without a component label were skipped')).toBeTruthy();
  });

  it('shows the data error view when there is no statusgraph data', () => {
    const { container } = renderPanel([], {}, []);
    expect(container.textContent).toContain('No statusgraph series');
    expect(container.querySelector('svg')).toBeNull();
  });
});
