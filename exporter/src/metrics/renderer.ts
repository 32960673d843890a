import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ProbeKind } from '../probes/types.js';
import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';
import { componentFamilies, type SeriesFamily } from './families.js';
import { header } from './exposition.js';

export interface ExporterGauges {
  incidentsOpen(): number;
  reloadSuccessful(): boolean;
  reloadTimestampSeconds(): number;
  intervalSeconds(): number;
}

/**
 * Renders /metrics. Per-component lines are cached on the (immutable) ComponentStatus object, so
 * a new snapshot re-formats only components whose results changed; the whole body is cached per
 * snapshot. Process metrics and the few exporter-wide gauges go through prom-client.
 */
export class MetricsRenderer {
  private readonly families: SeriesFamily[];
  private readonly perComponent = new WeakMap<ComponentStatus, string[]>();
  private readonly registry = new Registry();
  private cached?: { seq: number; body: string };

  constructor(kinds: Iterable<ProbeKind<any>>, gauges: ExporterGauges) {
    this.families = componentFamilies(kinds);
    // Standard process_* and nodejs_* names, as every Node.js exporter has them.
    collectDefaultMetrics({ register: this.registry });
    const r = this.registry;
    new Gauge({ name: 'statusgraph_incidents_open', help: 'Open incidents.', registers: [r], collect() { this.set(gauges.incidentsOpen()); } });
    new Gauge({ name: 'statusgraph_config_last_reload_successful', help: 'Whether the last configuration reload attempt was successful (1) or not (0).', registers: [r], collect() { this.set(gauges.reloadSuccessful() ? 1 : 0); } });
    new Gauge({ name: 'statusgraph_config_last_reload_success_timestamp_seconds', help: 'Time of the last successful configuration load.', registers: [r], collect() { this.set(gauges.reloadTimestampSeconds()); } });
    new Gauge({ name: 'statusgraph_probe_interval_seconds', help: 'Configured probe cycle interval.', registers: [r], collect() { this.set(gauges.intervalSeconds()); } });
  }

  private lines(c: ComponentStatus): string[] {
    let l = this.perComponent.get(c);
    if (!l) {
      l = this.families.map((f) => f.samples(c));
      this.perComponent.set(c, l);
    }
    return l;
  }

  /** The statusgraph families of one snapshot (cached), without the prom-client part. */
  renderSnapshot(s: Snapshot): string {
    if (this.cached?.seq === s.seq) return this.cached.body;
    const rows = s.components.map((c) => this.lines(c));
    const parts: string[] = [];
    this.families.forEach((f, i) => {
      let body = '';
      for (const r of rows) body += r[i]!;
      parts.push(header(f.name, f.help, f.type), body);
    });
    parts.push(header('statusgraph_probe_cycle_duration_seconds', 'Duration of the last complete probe cycle.', 'gauge'));
    parts.push(`statusgraph_probe_cycle_duration_seconds ${s.cycleDurationSeconds}\n`);
    parts.push(header('statusgraph_snapshot_timestamp_seconds', 'When the snapshot being served was built.', 'gauge'));
    parts.push(`statusgraph_snapshot_timestamp_seconds ${s.at / 1000}\n`);
    const body = parts.join('');
    this.cached = { seq: s.seq, body };
    return body;
  }

  async render(s: Snapshot): Promise<string> {
    return this.renderSnapshot(s) + (await this.registry.metrics());
  }

  contentType(): string {
    return this.registry.contentType;
  }
}
