import { METRICS } from '@statusgraph/core';
import type { PromClient, RangeSeries } from './promql.js';
import { episodes, type ComponentEpisode, type Window } from './maths.js';
import { cell } from './format.js';

/*
 * "Is our alerting getting quieter?" (issue 21): alert firings per Slack channel and per component,
 * incidents per component, and the components whose state changed most, this week against the
 * last. Alert firings are read from Prometheus's ALERTS series: each start of a firing alert
 * counts once (Alertmanager may fold several into one message; its grouping is not in Prometheus).
 */

export const NOISE_QUERIES = {
  alerts: 'max by (alertname, severity, component, instance, root_cause, impacted) (ALERTS{alertstate="firing"})',
  flapping: (range: string) => `topk(5, sum by (component) (increase(${METRICS.componentStateChanges}[${range}])) > 0)`,
} as const;

export type Channel = '#engineering' | '#on-call';

/**
 * Where alertmanager/alertmanager.yml sends an alert: a critical alert of an impacted dependent
 * nowhere (its root cause's message lists it), a maintenance window's own alert nowhere (context
 * only, issue 19), other critical ones to #engineering, everything else (warnings, and the root
 * route) to #on-call. Checked against every case of alertmanager/tests/routes.yml.
 */
export function channelOf(labels: Readonly<Record<string, string>>): Channel | undefined {
  if (labels.severity === 'critical') return labels.impacted === 'true' ? undefined : '#engineering';
  if (labels.alertname === 'StatusgraphMaintenance' && labels.severity === 'info') return undefined;
  return '#on-call';
}

export interface NoiseRow {
  readonly component: string;
  readonly engineering: number;
  readonly onCall: number;
  readonly incidents: number;
}

export interface NoiseData {
  readonly channels: Readonly<Record<Channel, number>>;
  readonly previousChannels: Readonly<Record<Channel, number>>;
  /** Most alert firings and incidents first. */
  readonly components: readonly NoiseRow[];
  readonly flapping: readonly { component: string; changes: number }[];
}

/** Alert firings that started inside the window, per channel and per component (pure). */
export function countFirings(series: readonly RangeSeries[], window: Window): { channels: Record<Channel, number>; byComponent: Map<string, { engineering: number; onCall: number }> } {
  const channels: Record<Channel, number> = { '#engineering': 0, '#on-call': 0 };
  const byComponent = new Map<string, { engineering: number; onCall: number }>();
  for (const s of series) {
    const channel = channelOf(s.labels);
    if (!channel) continue;
    const n = episodes(s.points, window, 1).filter((e) => !e.startedBefore).length;
    if (n === 0) continue;
    channels[channel] += n;
    const c = s.labels.component ?? s.labels.instance ?? s.labels.alertname ?? '';
    const row = byComponent.get(c) ?? { engineering: 0, onCall: 0 };
    if (channel === '#engineering') row.engineering += n; else row.onCall += n;
    byComponent.set(c, row);
  }
  return { channels, byComponent };
}

export async function collectNoise(client: PromClient, window: Window, previous: Window, incidents: readonly ComponentEpisode[]): Promise<NoiseData> {
  const range = (w: Window) => client.queryRange(NOISE_QUERIES.alerts, new Date(w.startMs), new Date(w.endMs), w.stepMs / 1000);
  const [cur, prev, flapping] = await Promise.all([
    range(window), range(previous),
    client.query(NOISE_QUERIES.flapping(`${Math.round((window.endMs - window.startMs) / 1000)}s`), new Date(window.endMs)),
  ]);
  const now = countFirings(cur, window);
  const names = new Set([...now.byComponent.keys(), ...incidents.map((i) => i.component)]);
  const components = [...names].map((component) => ({
    component,
    engineering: now.byComponent.get(component)?.engineering ?? 0,
    onCall: now.byComponent.get(component)?.onCall ?? 0,
    incidents: incidents.filter((i) => i.component === component).length,
  })).sort((a, b) => (b.engineering + b.onCall + b.incidents) - (a.engineering + a.onCall + a.incidents) || a.component.localeCompare(b.component));
  return {
    channels: now.channels,
    previousChannels: countFirings(prev, previous).channels,
    components,
    flapping: flapping.filter((s) => s.labels.component !== undefined)
      .map((s) => ({ component: s.labels.component!, changes: Math.round(s.value) }))
      .sort((a, b) => b.changes - a.changes || a.component.localeCompare(b.component)),
  };
}

/** The noise section of the weekly report (markdown lines). */
export function noiseMarkdown(n: NoiseData): string[] {
  const lines = ['## Noise', ''];
  const ch = (c: Channel) => `${c} ${n.channels[c]} (previous week: ${n.previousChannels[c]})`;
  lines.push(`Alert firings that reached Slack: ${ch('#engineering')}, ${ch('#on-call')}. Dependents announced through their root cause are not counted.`, '');
  if (n.components.length > 0) {
    lines.push('| component | alerts #engineering | alerts #on-call | incidents |', '|---|---|---|---|');
    for (const r of n.components.slice(0, 10)) lines.push(`| ${cell(r.component)} | ${r.engineering} | ${r.onCall} | ${r.incidents} |`);
    lines.push('');
  }
  lines.push(n.flapping.length
    ? `Most flapping: ${n.flapping.map((f) => `${cell(f.component)} (${f.changes} state change${f.changes === 1 ? '' : 's'})`).join(', ')}.`
    : 'No component changed state this week.');
  return lines;
}
