/*
 * The pieces every panel of the statusgraph dashboards repeats, written once: the data source
 * (the $datasource variable), the instant and range queries, the four states' mappings and
 * thresholds, the runbook link, the variable filters.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';

/** Panels and variables query the Prometheus chosen in $datasource; it defaults to the provisioned one. */
export const DATASOURCE_VARIABLE = 'datasource';
export const PROVISIONED_PROMETHEUS_UID = 'statusgraph-prometheus';
export const prometheus: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
export const grafanaBuiltIn: common.DataSourceRef = { type: 'grafana', uid: '-- Grafana --' };

/** The selection filters of the component variables, for series that carry the label. */
export const SEL = {
  tierComponent: 'tier=~"$tier", component=~"$component"',
  component: 'component=~"$component"',
  environment: 'environment=~"$environment"',
} as const;

/**
 * One series per component however many replicas of a cluster are scraped (docs/cluster.md,
 * "Prometheus and Alertmanager"): every replica serves the same agreed view, so the scrape labels
 * are aggregated away; `max` shows the worse state for the fraction of an interval two replicas
 * can be apart. One process: the same series, without `instance`.
 */
export const oneSeries = (expr: string): string => `max without (instance, pod) (${expr})`;

/**
 * `metric{tier, component}` joined to the info series for the environment filter and, with `labels`,
 * display name and runbook. Both sides one series per component: with two replicas the plain join
 * would find two info series per component and fail (many-to-many).
 */
export function withInfo(metric: string, op: string, labels: string): string {
  return `${oneSeries(`${metric}{${SEL.tierComponent}}`)} ${op} on (component) ${labels}${oneSeries(`statusgraph_component_info{${SEL.environment}}`)}`;
}
/** The join that brings display_name, environment and runbook to a per-component series. */
export const INFO_LABELS = 'group_left (display_name, environment, runbook) ';

function query(refId: string, expr: string, legend: string, format: PromQueryFormat): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(prometheus)
    .refId(refId)
    .expr(expr)
    .legendFormat(legend)
    .format(format)
    .editorMode(QueryEditorMode.Code);
}

/** An instant query: the value now (stats, tables, the dependency graph). */
export function instant(refId: string, expr: string, legend = '__auto', format = PromQueryFormat.TimeSeries): DataqueryBuilder {
  return query(refId, expr, legend, format).instant();
}

/** An instant query in table format: one row per series, labels as columns. */
export const instantTable = (refId: string, expr: string, legend = '__auto'): DataqueryBuilder => instant(refId, expr, legend, PromQueryFormat.Table);

/** A range query: one point per step over the panel's range. */
export function range(refId: string, expr: string, legend = '__auto'): DataqueryBuilder {
  return query(refId, expr, legend, PromQueryFormat.TimeSeries).range();
}

/** The four states of DESIGN.md, "States (contract)", with their colours. */
const STATES = [
  { value: 0, text: 'Operational', color: 'green' },
  { value: 1, text: 'Degraded', color: 'yellow' },
  { value: 2, text: 'Partial outage', color: 'orange' },
  { value: 3, text: 'Major outage', color: 'red' },
] as const;

export function valueMappings(entries: readonly { value: number; text: string; color: string }[]): dashboard.ValueMap[] {
  return [{
    type: dashboard.MappingType.ValueToText,
    options: Object.fromEntries(entries.map((s, index) => [String(s.value), { text: s.text, color: s.color, index }])),
  }];
}

export const stateMappings = (): dashboard.ValueMap[] => valueMappings(STATES);

/** Absolute thresholds from a base colour and (value, colour) steps. */
export function thresholds(base: string, ...steps: readonly (readonly [number, string])[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ color: base, value: null as unknown as number }, ...steps.map(([value, color]) => ({ color, value }))]);
}

export const stateThresholds = (): dashboard.ThresholdsConfigBuilder => thresholds('green', [1, 'yellow'], [2, 'orange'], [3, 'red']);

/** Uptime colours: red below 95 %, then orange, yellow from 99 %, green from 99.9 %. */
export const uptimeThresholds = (): dashboard.ThresholdsConfigBuilder => thresholds('red', [0.95, 'orange'], [0.99, 'yellow'], [0.999, 'green']);

export const byThresholds = (): dashboard.FieldColorBuilder => new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds);

/**
 * A field data link. Grafana stores one as {title, url, targetBlank}; the SDK types data links
 * with its dashboard-link type, whose other fields (icon, tags, type...) mean nothing here.
 */
export function fieldLink(title: string, url: string): cog.Builder<dashboard.DashboardLink> {
  return { build: () => ({ title, url, targetBlank: true }) as dashboard.DashboardLink };
}

/** Each series' own runbook (the runbook label joined from statusgraph_component_info). */
export const runbookLinks = (): cog.Builder<dashboard.DashboardLink>[] => [fieldLink('Runbook: ${__field.labels.display_name}', '${__field.labels.runbook}')];

export const hideNothing = (): common.HideSeriesConfigBuilder => new common.HideSeriesConfigBuilder().legend(false).tooltip(false).viz(false);

export function legend(show: boolean): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder().showLegend(show).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);
}

export function tooltip(mode: common.TooltipDisplayMode, sort: common.SortOrder): common.VizTooltipOptionsBuilder {
  return new common.VizTooltipOptionsBuilder().mode(mode).sort(sort);
}

export const lastNotNull = (): common.ReduceDataOptionsBuilder => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);

/**
 * A built-in Grafana annotation query by tags. The SDK takes an annotation's target as a data
 * query, which a tags target (type, tags, matchAny, limit) is not; only the marker is added.
 */
export function tagsTarget(tags: string[], matchAny: boolean, limit: number): cog.Builder<cog.Dataquery> {
  const target = new dashboard.AnnotationTargetBuilder().type('tags').tags(tags).matchAny(matchAny).limit(limit);
  return { build: () => ({ ...target.build(), _implementsDataqueryVariant() {} }) };
}
