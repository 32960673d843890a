/*
 * Issue 21, "noise, measured": is the alerting getting quieter? Alert firings per Slack channel and
 * per component, incidents per component and the components that changed state most, over the
 * dashboard's range: the weekly report's "Noise" section (exporter/src/reports/noise.ts) on the
 * dashboard.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import { byThresholds, instant, lastNotNull, oneSeries, prometheus, SEL, thresholds } from './parts.js';

/**
 * The Slack channel alertmanager/alertmanager.yml routes an alert to, as matchers on ALERTS (the
 * report's channelOf): critical alerts of an impacted dependent reach no channel (their root
 * cause's message lists them), nor does a maintenance window's own alert (severity info).
 * test/provisioning/static.test.ts checks these against every routing case amtool checks.
 */
export const CHANNEL_MATCHERS = {
  '#engineering': 'severity="critical", impacted!="true"',
  '#on-call': 'severity!="critical", alertname!="StatusgraphMaintenance"',
} as const;

/**
 * Alert firings that began in the dashboard's range, one per firing: firing at a minute of the
 * range and not a minute before (so two firings less than a minute apart count once, as the
 * report's episodes at its step do). `matchers` select among ALERTS.
 */
export function firingStarts(matchers: string): string {
  const firing = `ALERTS{alertstate="firing", ${matchers}}`;
  return `count_over_time((${firing} unless ${firing} offset 1m)[$__range:1m])`;
}

/** Firings that reached a Slack channel, per component (of the selected ones). */
const slackFirings = Object.values(CHANNEL_MATCHERS).map((m) => firingStarts(`${m}, ${SEL.component}`)).join(' or ');

function ranked(title: string, description: string, expr: string): bargauge.PanelBuilder {
  return new bargauge.PanelBuilder()
    .title(title).description(description).datasource(prometheus).height(8).span(6)
    .unit('none').decimals(0).min(0).colorScheme(byThresholds()).thresholds(thresholds('blue'))
    .reduceOptions(lastNotNull()).orientation(common.VizOrientation.Horizontal).displayMode(common.BarGaugeDisplayMode.Basic)
    .showUnfilled(true).valueMode(common.BarGaugeValueMode.Color).namePlacement(common.BarGaugeNamePlacement.Left)
    .withTarget(instant('A', expr, '{{component}}'));
}

export function noiseRow(): dashboard.RowBuilder {
  return new dashboard.RowBuilder('Noise').collapsed(true)
    .withPanel(new stat.PanelBuilder()
      .title('Alert firings per channel').datasource(prometheus).height(8).span(6)
      .description('Alert firings that reached each Slack channel in the selected time range (all components): what the team was interrupted by. Dependents announced through their root cause and maintenance windows are not counted.')
      .unit('none').decimals(0).colorScheme(byThresholds()).thresholds(thresholds('green', [10, 'orange'], [30, 'red']))
      .reduceOptions(lastNotNull()).orientation(common.VizOrientation.Auto).textMode(common.BigValueTextMode.ValueAndName)
      .colorMode(common.BigValueColorMode.Value).graphMode(common.BigValueGraphMode.None).justifyMode(common.BigValueJustifyMode.Center)
      .wideLayout(true).showPercentChange(false)
      .targets(Object.entries(CHANNEL_MATCHERS).map(([channel, m], i) => instant(String.fromCharCode(65 + i), `sum(${firingStarts(m)}) or vector(0)`, channel))))
    .withPanel(ranked('Alert firings per component', 'Alert firings that reached Slack in the selected time range, per selected component, most first.',
      `sort_desc(sum by (component) (${slackFirings}))`))
    .withPanel(ranked('Incidents per component', 'Incidents, automatic and manual, that touched each selected component in the selected time range.',
      `sort_desc(count by (component) (max by (component, incident) (max_over_time(statusgraph_incident_open{${SEL.component}}[$__range]))))`))
    .withPanel(ranked('Most state changes', 'The five selected components that changed state most in the selected time range: the ones that flap.',
      `topk(5, sum by (component) (${oneSeries(`increase(statusgraph_component_state_changes_total{${SEL.component}}[$__range])`)}))`));
}
