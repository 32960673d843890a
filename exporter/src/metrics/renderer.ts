import { Gauge, Registry } from 'prom-client';
import { METRICS } from '@statusgraph/core';
import type { ProbeKind } from '../probes/types.js';
import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';
import { componentFamilies, type SeriesFamily } from './families.js';
import { header } from './exposition.js';
import { registerRuntimeMetrics } from './runtime.js';

/** One open incident as /metrics names it: the public id (`INC-12`), its components, its severity. */
export interface OpenIncidentSeries {
  readonly incident: string;
  readonly components: readonly string[];
  readonly severity: string;
}

export interface ExporterGauges {
  incidentsOpen(): number;
  /** Every open incident, unpaged: /metrics shows each of them, however long ago it opened. */
  openIncidents(): readonly OpenIncidentSeries[];
  reloadSuccessful(): boolean;
  reloadTimestampSeconds(): number;
  intervalSeconds(): number;
}

/** Components per cached block: a refresh changes a contiguous run of components (they are probed in order). */
const BLOCK = 256;

interface Block {
  /** The status objects the chunks were formatted from; a block is reused while all are the same objects. */
  readonly members: readonly ComponentStatus[];
  /** One encoded chunk per family: the block's samples of that family. */
  readonly chunks: readonly Buffer[];
}

/**
 * Renders /metrics. Encoded per-family chunks are cached per block of consecutive components and
 * reused while the block holds the same (immutable) ComponentStatus objects, so a new snapshot
 * re-formats only the blocks where results changed. Nothing is cached per component: at 10,000
 * components a WeakMap of line strings cost ~20 MB of long-lived heap for little saved work, as a
 * changed block is mostly changed components anyway. The body is encoded once per snapshot and
 * served as bytes. Process metrics and the few exporter-wide gauges go through prom-client.
 */
export class MetricsRenderer {
  private readonly families: SeriesFamily[];
  private readonly headers: Buffer[];
  private readonly registry = new Registry();
  private blocks: Block[] = [];
  private cached?: { seq: number; parts: readonly Buffer[] };

  constructor(kinds: Iterable<ProbeKind<any>>, gauges: ExporterGauges) {
    this.families = componentFamilies(kinds);
    this.headers = this.families.map((f) => Buffer.from(header(f.name, f.help, f.type), 'utf8'));
    registerRuntimeMetrics(this.registry);
    const r = this.registry;
    new Gauge({ name: 'statusgraph_incidents_open', help: 'Open incidents.', registers: [r], collect() { this.set(gauges.incidentsOpen()); } });
    // Range-independent: Grafana returns an annotation only when it overlaps the dashboard range,
    // so an incident opened before the range start (8 h ago on a 6 h dashboard) has no annotation
    // there; this series says it is open at any range, and is gone once it is resolved.
    new Gauge({
      name: METRICS.incidentOpen,
      help: 'Present with value 1 while the incident is open, one series per affected component.',
      labelNames: ['incident', 'component', 'severity'],
      registers: [r],
      collect() {
        this.reset();
        for (const i of gauges.openIncidents()) for (const component of i.components) this.set({ incident: i.incident, component, severity: i.severity }, 1);
      },
    });
    new Gauge({ name: 'statusgraph_config_last_reload_successful', help: 'Whether the last configuration reload attempt was successful (1) or not (0).', registers: [r], collect() { this.set(gauges.reloadSuccessful() ? 1 : 0); } });
    new Gauge({ name: 'statusgraph_config_last_reload_success_timestamp_seconds', help: 'Time of the last successful configuration load.', registers: [r], collect() { this.set(gauges.reloadTimestampSeconds()); } });
    new Gauge({ name: 'statusgraph_probe_interval_seconds', help: 'Configured probe cycle interval.', registers: [r], collect() { this.set(gauges.intervalSeconds()); } });
  }

  /** Adds gauges of another part (a cluster's statusgraph_replica_*) to the prom-client side. */
  extend(add: (registry: Registry) => void): void {
    add(this.registry);
  }

  private block(components: readonly ComponentStatus[], start: number, previous: Block | undefined): Block {
    const members = components.slice(start, start + BLOCK);
    if (previous && previous.members.length === members.length && previous.members.every((c, i) => c === members[i])) return previous;
    // Encoded here, once per changed block: a body is then a memcpy of buffers, never a walk
    // through thousands of concatenated strings.
    const chunks = this.families.map((f) => {
      let text = '';
      for (const c of members) text += f.samples(c);
      return Buffer.from(text, 'utf8');
    });
    return { members, chunks };
  }

  /**
   * The statusgraph families of one snapshot, without the prom-client part, as the list of
   * encoded chunks; cached per snapshot. Not concatenated: at 10,000 components a joined body is
   * 5 MB more to hold per snapshot and to copy per scrape, and a socket takes the list as is.
   */
  snapshotParts(s: Snapshot): readonly Buffer[] {
    if (this.cached?.seq === s.seq) return this.cached.parts;
    const blocks: Block[] = [];
    for (let start = 0, b = 0; start < s.components.length; start += BLOCK, b++) blocks.push(this.block(s.components, start, this.blocks[b]));
    this.blocks = blocks;
    const parts: Buffer[] = [];
    this.families.forEach((f, i) => {
      if (!f.headerWhenEmpty && blocks.every((b) => b.chunks[i]!.length === 0)) return;
      parts.push(this.headers[i]!);
      for (const b of blocks) parts.push(b.chunks[i]!);
    });
    parts.push(Buffer.from(
      header('statusgraph_probe_cycle_duration_seconds', 'Duration of the last complete probe cycle.', 'gauge')
      + `statusgraph_probe_cycle_duration_seconds ${s.cycleDurationSeconds}\n`
      + header('statusgraph_snapshot_timestamp_seconds', 'When the snapshot being served was built.', 'gauge')
      + `statusgraph_snapshot_timestamp_seconds ${s.at / 1000}\n`, 'utf8'));
    this.cached = { seq: s.seq, parts };
    return parts;
  }

  /** The whole exposition as a list of chunks: a scrape of an unchanged snapshot allocates only the prom-client part. */
  async parts(s: Snapshot): Promise<readonly Buffer[]> {
    return [...this.snapshotParts(s), Buffer.from(await this.registry.metrics(), 'utf8')];
  }

  contentType(): string {
    return this.registry.contentType;
  }
}
