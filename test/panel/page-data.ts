import {
  OUTAGE_INCIDENT,
  outageSeries,
  plainTableFrame,
  type RawSeries,
} from '../../grafana-panel/test/support/reference.js';
import type { PageData } from './harness.js';

export const NOW = Date.parse('2026-11-21T08:00:00Z');

/** Prometheus table frames as Grafana's data source returns them, with the dashboard's refIds. */
export function tableFramesFor(series: Record<string, RawSeries[]>): unknown[] {
  const refIds: Record<string, string> = {
    statusgraph_component_status: 'status', statusgraph_component_info: 'info', statusgraph_dependency_info: 'dependencies',
    statusgraph_component_impacted: 'impacted', statusgraph_probe_duration_seconds: 'duration',
    statusgraph_probe_baseline_seconds: 'baseline', statusgraph_probe_success: 'success',
  };
  return Object.entries(series).map(([metric, s]) => plainTableFrame(refIds[metric] ?? metric, s, true));
}

/** The reference topology during the postgresql-primary outage, with its open incident. */
export function outagePage(options: Record<string, unknown> = {}): PageData {
  return {
    series: tableFramesFor(outageSeries()),
    annotations: [{
      length: 1,
      fields: [
        { name: 'id', type: 'number', values: [OUTAGE_INCIDENT.id], config: {} },
        { name: 'time', type: 'time', values: [NOW - 7 * 60_000], config: {} },
        { name: 'timeEnd', type: 'time', values: [null], config: {} },
        { name: 'title', type: 'string', values: [OUTAGE_INCIDENT.title], config: {} },
        { name: 'text', type: 'string', values: ['Opened by statusgraph'], config: {} },
        { name: 'tags', type: 'other', values: [[...OUTAGE_INCIDENT.tags]], config: {} },
      ],
    }],
    options: {
      direction: 'LR', groupByTier: true, showLatency: true, hideOperational: false,
      colors: { operational: 'green', degraded: 'yellow', partial_outage: 'orange', major_outage: 'red' },
      ...options,
    },
    width: 1160,
    height: 560,
    now: NOW,
  };
}
