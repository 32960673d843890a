/*
 * The "statusgraph overview" dashboard, as code. `npm run build` writes it to
 * json/statusgraph-overview.json, which Grafana provisions; test/provisioning checks that the two
 * agree and runs every query against a real Prometheus. Panels are laid out by the SDK's grid
 * (left to right, 24 columns, a new line when a row is full): only widths and heights are given.
 */
import * as annotationslist from '@grafana/grafana-foundation-sdk/annotationslist';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as statushistory from '@grafana/grafana-foundation-sdk/statushistory';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  byThresholds, DATASOURCE_VARIABLE, fieldLink, grafanaBuiltIn, hideNothing, INFO_LABELS, instant, instantTable, lastNotNull, legend, prometheus,
  oneSeries, PROVISIONED_PROMETHEUS_UID, range, runbookLinks, SEL, stateMappings, stateThresholds, tagsTarget, thresholds, tooltip, uptimeThresholds, valueMappings, withInfo,
} from './parts.js';
import { noiseRow } from './noise.js';

export const DASHBOARD_UID = 'statusgraph-overview';
/** The panel plugin of grafana-panel/ (its plugin.json id). */
export const DEPENDENCIES_PANEL = 'statusgraph-dependencies-panel';

/** A component series joined to its display name, environment and runbook. */
const statusWithInfo = withInfo('statusgraph_component_status', '*', INFO_LABELS);

/** The selection variables, each narrowed by the ones before it; all from statusgraph_component_info. */
function selectionVariable(name: string, label: string, selector: string): dashboard.QueryVariableBuilder {
  const q = `label_values(statusgraph_component_info${selector}, ${name})`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(prometheus)
    .definition(q)
    .query({ query: q, refId: 'StandardVariableQuery' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .includeAll(true)
    .multi(true)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

/**
 * The selected components as annotation tags, `component:<name>` each. Grafana expands a
 * multi-value variable in an annotation tag by joining its values with a delimiter and splitting
 * the result (public/app/plugins/datasource/grafana/datasource.ts), so `component:$component`
 * becomes `component:a`, `b`, `c`: only the first keeps its prefix. Values that are whole tags
 * expand right; query_result() lets Prometheus build them with label_replace.
 */
export const COMPONENT_TAG_VARIABLE = 'component_tag';
function componentTagVariable(): dashboard.QueryVariableBuilder {
  const q = `query_result(label_replace(group by (component) (statusgraph_component_info{${SEL.environment}, ${SEL.tierComponent}}), "tag", "component:$1", "component", "(.+)"))`;
  return new dashboard.QueryVariableBuilder(COMPONENT_TAG_VARIABLE)
    .label('Component tag')
    .description('The selected components as incident annotation tags (component:<name>), for the annotation filter.')
    .hide(dashboard.VariableHide.HideVariable)
    .datasource(prometheus)
    .definition(q)
    .query({ query: q, refId: 'StandardVariableQuery' })
    .regex('/tag="([^"]+)"/')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .includeAll(true)
    .multi(true)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Prometheus')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: PROVISIONED_PROMETHEUS_UID });
}

/**
 * The annotation toggles on the dashboard's bar: the SDK's default placement puts them in the
 * controls menu (Grafana 12+), out of sight.
 */
function onTheBar(q: dashboard.AnnotationQueryBuilder): cog.Builder<dashboard.AnnotationQuery> {
  return {
    build: () => {
      const a = q.build();
      delete a.placement;
      return a;
    },
  };
}

function annotations(): cog.Builder<dashboard.AnnotationQuery>[] {
  return [
    new dashboard.AnnotationQueryBuilder().name('Annotations & Alerts').builtIn(1).type('dashboard').datasource(grafanaBuiltIn).enable(true).hide(true).iconColor('rgba(0, 211, 255, 1)'),
    new dashboard.AnnotationQueryBuilder().name('Incidents').datasource(grafanaBuiltIn).enable(true).hide(false).iconColor('red').target(tagsTarget(['incident'], false, 200)),
    new dashboard.AnnotationQueryBuilder().name('Incidents of the selected components').datasource(grafanaBuiltIn).enable(false).hide(false).iconColor('orange')
      .target(tagsTarget([`$${COMPONENT_TAG_VARIABLE}`], true, 200)),
  ].map(onTheBar);
}

/** A stat tile: one big number from an instant query, coloured by thresholds. */
function tile(title: string, description: string, expr: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title).description(description).datasource(prometheus).height(4).span(4)
    .unit('none').mappings([]).colorScheme(byThresholds()).dataLinks([])
    .reduceOptions(lastNotNull()).orientation(common.VizOrientation.Auto).textMode(common.BigValueTextMode.Value)
    .colorMode(common.BigValueColorMode.Background).graphMode(common.BigValueGraphMode.None).justifyMode(common.BigValueJustifyMode.Center)
    .wideLayout(true).showPercentChange(false)
    .withTarget(instant('A', expr));
}

function summaryTiles(): stat.PanelBuilder[] {
  return [
    tile('Worst state', 'The worst own state among the selected components.', `max(${withInfo('statusgraph_component_status', '*', 'group_left () ')})`)
      .mappings(stateMappings()).thresholds(stateThresholds()),
    tile('Not operational', 'Selected components whose own state is worse than operational.',
      `count((${withInfo('statusgraph_component_status', '*', 'group_left () ')}) > 0) or vector(0)`).thresholds(thresholds('green', [1, 'red'])),
    tile('Impacted', 'Selected components taken down or at risk through a dependency in outage.',
      `count(count by (component) (${withInfo('statusgraph_component_impacted', '*', 'group_left () ')})) or vector(0)`).thresholds(thresholds('green', [1, 'orange'])),
    tile('Open incidents', 'Incidents open now, automatic and manual.', 'max(statusgraph_incidents_open)').thresholds(thresholds('green', [1, 'red'])),
    tile('Probe cycle', 'Wall time of the last full probe cycle (the slowest replica of a cluster).', 'max(statusgraph_probe_cycle_duration_seconds)')
      .unit('s').thresholds(thresholds('green')).colorMode(common.BigValueColorMode.None).graphMode(common.BigValueGraphMode.Area)
      .targets([range('A', 'max(statusgraph_probe_cycle_duration_seconds)')]),
    tile('Config', 'Whether the last configuration reload was accepted (by every replica of a cluster).', 'min(statusgraph_config_last_reload_successful)')
      .mappings(valueMappings([{ value: 0, text: 'Reload rejected', color: 'red' }, { value: 1, text: 'Loaded', color: 'green' }]))
      .thresholds(thresholds('red', [1, 'green'])),
  ];
}

function serviceGrid(): stat.PanelBuilder {
  return tile('$tier', 'Own state of each component of this tier. Click a tile for its runbook.', statusWithInfo)
    .height(5).span(24).mappings(stateMappings()).thresholds(stateThresholds()).dataLinks(runbookLinks())
    .textMode(common.BigValueTextMode.ValueAndName)
    .targets([instant('A', statusWithInfo, '{{display_name}}')]);
}

/** The panel plugin: instant table queries, told apart by refId (grafana-panel/README.md). */
function dependencies(): dashboard.PanelBuilder {
  // One row per component (and probe, edge, incident) whatever the replica count: the panel tells
  // the aggregated series apart by refId.
  const t = (refId: string, expr: string, legendFormat: string) => instantTable(refId, oneSeries(expr), legendFormat);
  return new dashboard.PanelBuilder()
    .type(DEPENDENCIES_PANEL).title('Dependencies').datasource(prometheus).height(14).span(16)
    .description('Every component coloured by its own state; impacted components and their root cause are marked.')
    .options({ direction: 'LR', groupByTier: true, showLatency: true, hideOperational: false })
    .targets([
      t('status', `statusgraph_component_status{${SEL.tierComponent}} and on (component) statusgraph_component_info{${SEL.environment}}`, '{{component}}'),
      t('info', `statusgraph_component_info{${SEL.environment}, ${SEL.tierComponent}}`, '{{component}}'),
      t('dependencies', `statusgraph_dependency_info{${SEL.component}}`, '{{component}} -> {{depends_on}}'),
      t('impacted', `statusgraph_component_impacted{${SEL.tierComponent}}`, '{{component}}'),
      // Maintenance windows (issue 19): the panel marks them and, with core's rule, planned impact.
      t('maintenance', `statusgraph_component_under_maintenance{${SEL.component}}`, '{{component}} {{window}}'),
      t('duration', `statusgraph_probe_duration_seconds{${SEL.component}}`, '{{component}} {{probe}}'),
      t('baseline', `statusgraph_probe_baseline_seconds{${SEL.component}}`, '{{component}} {{probe}}'),
      t('success', `statusgraph_probe_success{${SEL.component}}`, '{{component}} {{probe}}'),
      // Open incidents at any range: annotations reach the panel only when they overlap it.
      t('incidents', `statusgraph_incident_open{${SEL.component}}`, '{{incident}} {{component}}'),
      // A cluster's replicas set aside as unhealthy checkers (docs/cluster.md): one row per
      // replica whoever was scraped, 0 when any replica sees it unhealthy. One process: no rows.
      instantTable('checkers', 'min by (replica) (statusgraph_replica_checker_healthy)', '{{replica}}'),
    ]);
}

/** Table columns: which labels to drop, their order, their headers. */
function organize(exclude: string[], order: string[], rename: Record<string, string>): dashboard.DataTransformerConfig {
  return {
    id: 'organize',
    options: {
      excludeByName: Object.fromEntries(exclude.map((n) => [n, true])),
      indexByName: Object.fromEntries(order.map((n, i) => [n, i])),
      renameByName: rename,
    },
  };
}

function statusTable(title: string, description: string): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(title).description(description).datasource(prometheus)
    .align(common.FieldTextAlignment.Auto).cellOptions({ type: common.TableCellDisplayMode.Auto })
    .showHeader(true).cellHeight(common.TableCellHeight.Sm);
}

function impactedTable(): table.PanelBuilder {
  return statusTable('Impacted components', 'Components impacted by a dependency in partial or major outage, with the root cause furthest upstream.')
    .height(14).span(8)
    .withTarget(instantTable('A', oneSeries(`statusgraph_component_impacted{${SEL.tierComponent}}`)))
    .withTransformation(organize(['Time', 'Value', '__name__', 'instance', 'job'], ['component', 'tier', 'root_cause'], { component: 'Component', tier: 'Tier', root_cause: 'Root cause' }));
}

function dailyUptime(): statushistory.PanelBuilder {
  const expr = withInfo('component:statusgraph_uptime:ratio_1d', '*', INFO_LABELS);
  return new statushistory.PanelBuilder()
    .title('Daily uptime').datasource(prometheus).height(12).span(18)
    .description('One bar per day and component: the share of probe cycles the component was available that day (recording rule component:statusgraph_uptime:ratio_1d). Incident regions are annotations.')
    .timeFrom('90d').interval('1d').maxDataPoints(90)
    .unit('percentunit').decimals(2).min(0).max(1).colorScheme(byThresholds()).thresholds(uptimeThresholds())
    .fillOpacity(80).lineWidth(1).hideFrom(hideNothing()).dataLinks(runbookLinks())
    .showValue(common.VisibilityMode.Never).rowHeight(0.9).colWidth(0.9)
    .legend(legend(false)).tooltip(tooltip(common.TooltipDisplayMode.Single, common.SortOrder.None))
    .withTarget(range('A', expr, '{{display_name}}').interval('1d'));
}

function uptime90d(): bargauge.PanelBuilder {
  return new bargauge.PanelBuilder()
    .title('Uptime, 90 days').datasource(prometheus).height(12).span(6)
    .description('Share of probe cycles each component was available over the last 90 days (recording rule component:statusgraph_uptime:ratio_90d).')
    .unit('percentunit').decimals(3).min(0.9).max(1).colorScheme(byThresholds()).thresholds(uptimeThresholds()).dataLinks(runbookLinks())
    .reduceOptions(lastNotNull()).orientation(common.VizOrientation.Horizontal).displayMode(common.BarGaugeDisplayMode.Basic)
    .showUnfilled(true).valueMode(common.BarGaugeValueMode.Color).namePlacement(common.BarGaugeNamePlacement.Left)
    .sizing(common.BarGaugeSizing.Auto).minVizHeight(14).maxVizHeight(24)
    .withTarget(instant('A', withInfo('component:statusgraph_uptime:ratio_90d', '*', INFO_LABELS), '{{display_name}}'));
}

function latency(): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title('$component').datasource(prometheus).height(5).span(6)
    .description('Latency of each probe of the component over the last 24 h; the dashed line is the baseline the classifier compares it with (over 2x is degraded).')
    .repeat('component').repeatDirection('h').maxPerRow(4).timeFrom('24h')
    .unit('s').min(0).colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .drawStyle(common.GraphDrawStyle.Line).lineWidth(1).fillOpacity(10).showPoints(common.VisibilityMode.Never).spanNulls(true)
    .axisPlacement(common.AxisPlacement.Auto).lineInterpolation(common.LineInterpolation.Linear).gradientMode(common.GraphGradientMode.Opacity)
    .hideFrom(hideNothing())
    .overrideByRegexp('.* baseline$', [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [6, 4] } },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'color', value: { mode: 'fixed', fixedColor: 'text' } },
    ])
    .legend(legend(false).calcs([])).tooltip(tooltip(common.TooltipDisplayMode.Multi, common.SortOrder.Descending))
    .targets([
      range('A', oneSeries(`statusgraph_probe_duration_seconds{${SEL.component}}`), '{{probe}}'),
      range('B', oneSeries(`statusgraph_probe_baseline_seconds{${SEL.component}}`), '{{probe}} baseline'),
    ]);
}

function incidentTimeline(): annotationslist.PanelBuilder {
  return new annotationslist.PanelBuilder()
    .title('Incident timeline').description('Incidents mirrored by the exporter as annotations tagged incident, newest first.').height(12).span(8)
    .onlyFromThisDashboard(false).onlyInTimeRange(false).tags(['incident']).limit(50)
    .showUser(false).showTime(true).showTags(true).navigateToPanel(false).navigateBefore('10m').navigateAfter('10m');
}

function componentStates(): statetimeline.PanelBuilder {
  return new statetimeline.PanelBuilder()
    .title('Component states').datasource(prometheus).height(12).span(16)
    .description("Own state of each component over the dashboard's time range; incident regions are drawn from the incident annotations.")
    .mappings(stateMappings()).thresholds(stateThresholds()).colorScheme(byThresholds())
    .fillOpacity(80).lineWidth(0).hideFrom(hideNothing()).dataLinks(runbookLinks())
    .showValue(common.VisibilityMode.Never).rowHeight(0.85).mergeValues(true).alignValue('left' as never)
    .legend(legend(true)).tooltip(tooltip(common.TooltipDisplayMode.Single, common.SortOrder.None))
    .withTarget(range('A', statusWithInfo, '{{display_name}}'));
}

function componentsTable(): table.PanelBuilder {
  return statusTable('Components', 'Every selected component with its tier, environment and runbook.').height(10).span(24)
    .overrideByName('Runbook', [{ id: 'links', value: [fieldLink('Open runbook', '${__value.raw}').build()] }])
    .overrideByName('State', [
      { id: 'mappings', value: stateMappings() },
      { id: 'thresholds', value: stateThresholds().build() },
      { id: 'color', value: byThresholds().build() },
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } },
    ])
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('State').desc(true)])
    .withTarget(instantTable('A', statusWithInfo))
    .withTransformation(organize(['Time', '__name__', 'instance', 'job'], ['display_name', 'component', 'tier', 'environment', 'Value', 'runbook'], {
      display_name: 'Name', component: 'Component', tier: 'Tier', environment: 'Environment', Value: 'State', runbook: 'Runbook',
    }));
}

function exporterRow(): dashboard.RowBuilder {
  return new dashboard.RowBuilder('Exporter').collapsed(true)
    .withPanel(new timeseries.PanelBuilder()
      .title('State changes').description('State transitions per component in the selected time range: a component that flaps shows here first.')
      .datasource(prometheus).height(8).span(12).unit('short').min(0).drawStyle(common.GraphDrawStyle.Bars).fillOpacity(60)
      .legend(legend(true).calcs([])).tooltip(tooltip(common.TooltipDisplayMode.Multi, common.SortOrder.Descending))
      .withTarget(range('A', `sum by (component) (${oneSeries(`increase(statusgraph_component_state_changes_total{${SEL.component}}[$__rate_interval])`)})`, '{{component}}')))
    .withPanel(new timeseries.PanelBuilder()
      .title('Probe success').description('Share of passing probes per component.')
      .datasource(prometheus).height(8).span(12).unit('percentunit').min(0).max(1)
      .legend(legend(true).calcs([])).tooltip(tooltip(common.TooltipDisplayMode.Multi, common.SortOrder.Ascending))
      .withTarget(range('A', `avg by (component) (statusgraph_probe_success{${SEL.component}})`, '{{component}}')));
}

/** Issue 21: the series of the generated provisioning/prometheus/rules/slo.yml (statusgraph rules). */
function sloRow(): dashboard.RowBuilder {
  return new dashboard.RowBuilder('Service level objectives').collapsed(true)
    .withPanel(new bargauge.PanelBuilder()
      .title('Error budget left').datasource(prometheus).height(8).span(8)
      .description('Share of each objective\'s error budget left over its window (component:statusgraph_slo_error_budget_remaining:ratio; objectives from the config, rules from `statusgraph rules`). Below 0: overspent.')
      .unit('percentunit').decimals(1).min(0).max(1).colorScheme(byThresholds()).thresholds(thresholds('red', [0.25, 'orange'], [0.5, 'green']))
      .reduceOptions(lastNotNull()).orientation(common.VizOrientation.Horizontal).displayMode(common.BarGaugeDisplayMode.Basic)
      .showUnfilled(true).valueMode(common.BarGaugeValueMode.Color).namePlacement(common.BarGaugeNamePlacement.Left)
      .withTarget(instant('A', `component:statusgraph_slo_error_budget_remaining:ratio{${SEL.component}}`, '{{component}}')))
    .withPanel(new timeseries.PanelBuilder()
      .title('Burn rate, 1 h').description('Error ratio over the last hour divided by the error budget ratio: 1 spends the budget exactly over the window; the fast-burn page fires at 14.4 (30-day window) together with the 5-minute window.')
      .datasource(prometheus).height(8).span(8).unit('short').min(0)
      .legend(legend(true).calcs([])).tooltip(tooltip(common.TooltipDisplayMode.Multi, common.SortOrder.Descending))
      .withTarget(range('A', `component:statusgraph_slo_burn_rate:ratio_rate1h{${SEL.component}}`, '{{component}}')))
    .withPanel(new timeseries.PanelBuilder()
      .title('Errors by cause, 6 h').description('Unavailable rounds over the last 6 hours as a share of all rounds, per component and cause: own, upstream or vendor root cause, planned (0 until maintenance windows exist).')
      .datasource(prometheus).height(8).span(8).unit('percentunit').min(0)
      .legend(legend(true).calcs([])).tooltip(tooltip(common.TooltipDisplayMode.Multi, common.SortOrder.Descending))
      .withTarget(range('A', `component_root_cause:statusgraph_slo_errors:ratio_rate6h{${SEL.component}} > 0`, '{{component}}: {{cause}} {{root_cause}}')));
}

export function overviewDashboard(): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder('statusgraph overview')
    .uid(DASHBOARD_UID)
    .description('What is broken, is it us or the vendor, and what does it take down with it.')
    .tags(['statusgraph']).timezone('browser').editable().tooltip(dashboard.DashboardCursorSync.Crosshair).liveNow(false)
    .refresh('30s').version(1).fiscalYearStartMonth(0).time({ from: 'now-6h', to: 'now' })
    .timepicker(new dashboard.TimePickerBuilder().refreshIntervals(['15s', '30s', '1m', '5m', '15m']))
    .links([])
    .annotations(annotations())
    .variables([
      datasourceVariable(),
      selectionVariable('environment', 'Environment', ''),
      selectionVariable('tier', 'Tier', `{${SEL.environment}}`),
      selectionVariable('component', 'Component', `{${SEL.environment}, tier=~"$tier"}`),
      componentTagVariable(),
    ]);
  for (const p of summaryTiles()) b.withPanel(p);
  b.withRow(expandedRow('Service grid: $tier', serviceGrid()).repeat('tier'));
  b.withRow(expandedRow('Dependency graph', dependencies(), withoutFooter(impactedTable())));
  b.withRow(expandedRow('Uptime, 90 days', dailyUptime(), uptime90d()));
  b.withRow(expandedRow('Latency, last 24 h', latency()));
  b.withRow(expandedRow('Incidents', incidentTimeline(), componentStates()));
  b.withRow(expandedRow('Components and runbooks', withoutFooter(componentsTable())));
  b.withRow(exporterRow());
  b.withRow(sloRow());
  b.withRow(noiseRow());
  return numbered(expandedRowsFlat(b.build()));
}

/**
 * A row that shows its panels. The SDK collapses a row when a panel is added to it (Grafana
 * keeps panels inside a row only when it is collapsed): it is expanded again here, and its
 * panels are moved next to it by expandedRowsFlat() once the SDK has laid them out.
 */
function expandedRow(title: string, ...panels: cog.Builder<dashboard.Panel>[]): dashboard.RowBuilder {
  const row = new dashboard.RowBuilder(title);
  for (const p of panels) row.withPanel(p);
  return row.collapsed(false);
}

/**
 * Tables without `options.footer`: the SDK's table defaults still carry the panel-wide footer,
 * which Grafana 13 replaced by a per-field footer; this dashboard shows no footer at all.
 */
function withoutFooter(t: table.PanelBuilder): cog.Builder<dashboard.Panel> {
  return {
    build: () => {
      const panel = t.build();
      delete (panel.options as { footer?: unknown } | undefined)?.footer;
      return panel;
    },
  };
}

/**
 * The SDK nests a row's panels inside it; Grafana's JSON keeps an expanded row's panels next to
 * it at the top level (only a collapsed row holds its panels), so expanded rows are flattened.
 */
function expandedRowsFlat(d: dashboard.Dashboard): dashboard.Dashboard {
  const panels: NonNullable<dashboard.Dashboard['panels']> = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row' && !(p as dashboard.RowPanel).collapsed) {
      const row = p as dashboard.RowPanel;
      panels.push({ ...row, panels: [] }, ...row.panels);
    } else {
      panels.push(p);
    }
  }
  return { ...d, panels };
}

/**
 * Panel ids in reading order, 1..n; a collapsed row takes its id after its panels. These are the
 * ids the hand-written dashboard had, so links with `viewPanel=<id>` keep working.
 */
function numbered(d: dashboard.Dashboard): dashboard.Dashboard {
  let id = 0;
  const number = (p: { id?: number; panels?: { id?: number }[] }): void => {
    for (const child of p.panels ?? []) child.id = ++id;
    p.id = ++id;
  };
  for (const p of d.panels ?? []) number(p as { id?: number; panels?: { id?: number }[] });
  return d;
}
