import { METRICS } from '@statusgraph/core';
import type { ComponentConfig } from '../config/types.js';
import { ATTRIBUTION_WINDOWS, PAGE, RATIO_WINDOWS, TICKET, budget, promDuration, ratio, type BurnCondition } from './burn.js';

/*
 * `statusgraph rules`: the Prometheus rule file of every objective of a config (DESIGN.md, "SLOs").
 * Only the objectives are per component (two constant series each); the error ratios and the
 * alerts are one rule each for all components, joined on `component`, so the file grows by two
 * rules per component, not by twenty.
 */

export const SLO_RECORDS = {
  objective: 'component:statusgraph_slo_objective:ratio',
  windowSeconds: 'component:statusgraph_slo_window:seconds',
  errors: (w: string) => `component:statusgraph_slo_errors:ratio_rate${w}`,
  errorsByRoot: (w: string) => `component_root_cause:statusgraph_slo_errors:ratio_rate${w}`,
  burnRate1h: 'component:statusgraph_slo_burn_rate:ratio_rate1h',
  budgetRemaining: 'component:statusgraph_slo_error_budget_remaining:ratio',
} as const;

export const SLO_ALERTS = { fast: 'StatusgraphSloFastBurn', slow: 'StatusgraphSloSlowBurn' } as const;

/** Windows read over more than a few hours are evaluated every 5 minutes: a 3-day rate reads 17,280 samples per series. */
const LONG_WINDOW_INTERVAL = '5m';
const isLong = (w: string) => w === '6h' || w === '3d';

export function sloComponents(components: readonly ComponentConfig[]): (ComponentConfig & { slo: NonNullable<ComponentConfig['slo']> })[] {
  return components.filter((c): c is ComponentConfig & { slo: NonNullable<ComponentConfig['slo']> } => c.slo !== undefined);
}

const indent = (text: string, n: number) => text.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

function rule(kind: 'record' | 'alert', name: string, expr: string, extra = ''): string {
  return `- ${kind}: ${name}\n  expr: |\n${indent(expr.trim(), 4)}\n${extra}`;
}

function errorRatio(w: string): string {
  // 1 - available/(total - planned): these series exist from the exporter's first round, so no
  // rate() misses the first increment of a series created mid-window (the per-cause series are
  // created lazily). Planned work (maintenance windows, issue 19) is left out of the measure, as
  // the uptime bars leave it out: it burns no budget and earns none. `or ... * 0` keeps the ratio
  // for an exporter from before the planned series.
  return `1 - (
    sum by (component) (rate(${METRICS.componentAvailableRounds}[${w}]))
  /
    (
      sum by (component) (rate(${METRICS.componentRounds}[${w}]))
    -
      (
        sum by (component) (rate(${METRICS.componentUnavailableRounds}{cause="planned"}[${w}]))
        or sum by (component) (rate(${METRICS.componentRounds}[${w}])) * 0
      )
    )
)`;
}

function errorRatioByRoot(w: string): string {
  return `  sum by (component, cause, root_cause) (rate(${METRICS.componentUnavailableRounds}[${w}]))
/ on (component) group_left ()
  sum by (component) (rate(${METRICS.componentRounds}[${w}]))`;
}

/** Error ratio over the window above `factor` x the component's budget, where factor follows its window. */
function over(w: string, c: BurnCondition): string {
  return `${SLO_RECORDS.errors(w)}
  > on (component) group_left ()
    (${c.budgetShare} * ${SLO_RECORDS.windowSeconds} / ${c.longMs / 1000} * (1 - ${SLO_RECORDS.objective}))`;
}

function burnCondition(conditions: readonly BurnCondition[]): string {
  return conditions.map((c) => `(\n${indent(over(c.long, c), 2)}\n  and on (component)\n${indent(over(c.short, c), 2)}\n)`).join('\nor\n');
}

/**
 * A component's errors in `w` may come from several causes; an alert series is kept for each
 * that caused at least this share of them. Below it, a cause is noise next to the others: a
 * dependent's first failing round, seen before the exporter saw its database fail, is charged
 * "own" (engine/attribution.ts), and must not page as a root cause of its own next to the
 * database's outage.
 */
export const MIN_CAUSE_SHARE = 0.2;

/**
 * One series per root cause of the burn in `w`, labelled impacted="true" when it is not the
 * component's own. The own series is left out while the component is impacted, as the outage
 * alerts do: its database's outage speaks for it (a real failure of its own shows once the
 * database is back).
 */
function attributed(w: string): string {
  return `label_replace(
  label_replace(
      ${SLO_RECORDS.errorsByRoot(w)}{cause!="planned"} > 0
    >= on (component) group_left ()
      (${MIN_CAUSE_SHARE} * ${SLO_RECORDS.errors(w)}),
    "impacted", "true", "cause", "upstream|vendor"),
  "impacted", "false", "cause", "own"
)
unless on (component, impacted)
  label_replace(max by (component) (${METRICS.componentImpacted}), "impacted", "false", "", "")`;
}

function alert(name: string, conditions: readonly BurnCondition[], attributionWindow: string, severity: 'critical' | 'warning', forDuration: string, summary: string, description: string): string {
  const expr = `${attributed(attributionWindow)}
and on (component)
(
${indent(burnCondition(conditions), 2)}
)`;
  const extra = `  ${forDuration ? `for: ${forDuration}\n  ` : ''}labels:
    severity: ${severity}
  annotations:
    summary: '${summary}'
    description: '${description}'
    runbook_url: '{{ with query (printf "max by (runbook) (statusgraph_component_info{component=%q})" $labels.component) }}{{ . | first | label "runbook" }}{{ end }}'
`;
  return rule('alert', name, expr, extra);
}

const CAUSE_TEXT = `{{ if eq $labels.impacted "true" }} because of {{ $labels.root_cause }} ({{ $labels.cause }}){{ end }}`;

/** "2 % of its error budget in 1h (and still in the last 5m), or ..." for a set of burn conditions. */
const pace = (conditions: readonly BurnCondition[]): string =>
  conditions.map((c) => `${c.budgetShare * 100} % of its error budget in ${c.long} (and still in the last ${c.short})`).join(', or ');

/** The clause of a burn description that names an upstream root cause, as a template over the alert's labels. */
export const BECAUSE_TEMPLATE = '{{ if eq $labels.impacted "true" }}, because {{ $labels.root_cause }} ({{ $labels.cause }}) fails it,{{ end }}';

/**
 * What an SLO burn alert means, for its `description` (issue 16: every alert has one). In the rule
 * `component` and `because` are templates; in its promtool case, what they render to.
 */
export function burnDescription(speed: 'fast' | 'slow', component: string, because: string): string {
  return speed === 'fast'
    ? `${component}${because} has spent ${pace(PAGE)}: at that pace the whole budget is gone within days (a page).`
    : `${component}${because} has spent ${pace(TICKET)}: a steady burn that needs fixing, not a page (a ticket).`;
}

/** The rule file for the objectives of `components` (YAML text, comments included). */
export function sloRuleFile(components: readonly ComponentConfig[], source: string): string {
  const withSlo = sloComponents(components);
  const objectives = withSlo.flatMap((c) => {
    const labels = `  labels: { component: ${c.name}, tier: ${c.tier} }\n`;
    return [
      `- record: ${SLO_RECORDS.objective}\n  expr: vector(${ratio(c.slo.objective)})\n${labels}`,
      `- record: ${SLO_RECORDS.windowSeconds}\n  expr: vector(${c.slo.windowMs / 1000})\n${labels}`,
    ];
  });
  const ratios = (long: boolean) => RATIO_WINDOWS.filter((w) => isLong(w) === long).flatMap((w) => [
    rule('record', SLO_RECORDS.errors(w), errorRatio(w)),
    ...((ATTRIBUTION_WINDOWS as readonly string[]).includes(w) ? [rule('record', SLO_RECORDS.errorsByRoot(w), errorRatioByRoot(w))] : []),
  ]);
  const windows = [...new Set(withSlo.map((c) => c.slo.windowMs))].sort((a, b) => a - b);
  const remaining = windows.map((ms) => rule('record', SLO_RECORDS.budgetRemaining, `
1 - (
    avg_over_time(${SLO_RECORDS.errors('1h')}[${promDuration(ms)}:1h])
  / on (component) group_left ()
    (1 - ${SLO_RECORDS.objective})
)
and on (component) (${SLO_RECORDS.windowSeconds} == ${ms / 1000})`));
  const group = (name: string, interval: string | undefined, rules: string[], comment: string) =>
    `  # ${comment}\n  - name: ${name}\n${interval ? `    interval: ${interval}\n` : ''}    rules:\n${rules.map((r) => indent(r.trimEnd(), 6)).join('\n\n')}\n`;
  return `# GENERATED from ${source} by \`statusgraph rules --config FILE\`: do not edit, regenerate (a test fails on drift).
# Service level objectives on the exporter's round counters (statusgraph_component_*rounds_total):
# good = rounds after which the component was operational or degraded. Multi-window,
# multi-burn-rate alerts of the Google SRE workbook, ch. 5 (as Sloth and Pyrra generate them):
#   ${SLO_ALERTS.fast}  severity=critical -> #engineering: ${PAGE.map((c) => `${c.budgetShare * 100} % of the budget in ${c.long} (and ${c.short})`).join(', or ')}
#   ${SLO_ALERTS.slow}  severity=warning  -> #on-call:     ${TICKET.map((c) => `${c.budgetShare * 100} % of the budget in ${c.long} (and ${c.short})`).join('')}
# For a 30-day window those are 14.4x, 6x and 1x the error budget rate.
# Each alert has one series per root cause of at least ${MIN_CAUSE_SHARE * 100} % of the errors (over 30m for the
# page, 6h for the ticket): cause="own" with root_cause=<the component> and impacted="false", or cause="upstream" /
# "vendor" with root_cause=<the dependency> and impacted="true". Alertmanager sends the impacted
# ones to no channel (pages: the root cause's own alerts speak for them) or groups them by root
# cause with the root cause's own ticket, so one root cause gives one message.
groups:
${group('statusgraph-slo-objectives', '1m', objectives, 'The objectives of the config: constant series, one pair per component with an objective.')}
${group('statusgraph-slo-errors', undefined, ratios(false), 'Error ratios (unavailable rounds / rounds) over the short windows, every evaluation.')}
${group('statusgraph-slo-errors-long', LONG_WINDOW_INTERVAL, [
    ...ratios(true),
    rule('record', SLO_RECORDS.burnRate1h, `${SLO_RECORDS.errors('1h')}\n/ on (component) group_left ()\n  (1 - ${SLO_RECORDS.objective})`),
    ...remaining,
  ], `Long windows every ${LONG_WINDOW_INTERVAL}; the 1 h burn rate and the budget left over each objective's window (mean of hourly ratios) for dashboards.`)}
${group('statusgraph-slo-alerts', undefined, [
    alert(SLO_ALERTS.fast, PAGE, '30m', 'critical', '', `{{ $labels.component }}: burning its error budget fast${CAUSE_TEXT}`,
      burnDescription('fast', '{{ $labels.component }}', BECAUSE_TEMPLATE)),
    alert(SLO_ALERTS.slow, TICKET, '6h', 'warning', '', `{{ $labels.component }}: burning its error budget${CAUSE_TEXT}`,
      burnDescription('slow', '{{ $labels.component }}', BECAUSE_TEMPLATE)),
  ], 'Burn-rate alerts: no `for`, the short window is what keeps a blip from firing them.')}`.replace(/\n+$/, '\n');
}
