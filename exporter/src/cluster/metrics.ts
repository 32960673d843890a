import { Gauge, type Registry } from 'prom-client';
import { METRICS } from '@statusgraph/core';

/** What the scraped replica knows of the cluster. */
export interface ClusterView {
  readonly self: string;
  readonly leader: boolean;
  /** Every replica in the registry, live or not, with its location. */
  readonly members: readonly { readonly name: string; readonly location: string; readonly live: boolean }[];
  readonly unhealthy: ReadonlySet<string>;
  /** Components each live replica probes. */
  readonly assigned: ReadonlyMap<string, number>;
}

/**
 * statusgraph_replica_*: each replica exposes the whole cluster as it sees it (up, checker health,
 * assignment of every member) and only its own leadership, so that `sum(statusgraph_replica_leader)`
 * over all scrapes is 1 and a dead replica is still reported down by the others.
 */
export function registerClusterMetrics(registry: Registry, view: () => ClusterView): void {
  const registers = [registry];
  new Gauge({
    name: METRICS.replicaUp, help: 'Whether the replica has sent a heartbeat within one lease (1) or not (0), as this replica sees it.',
    labelNames: ['replica', 'location'], registers,
    collect() { this.reset(); for (const m of view().members) this.set({ replica: m.name, location: m.location }, m.live ? 1 : 0); },
  });
  new Gauge({
    name: METRICS.replicaLeader, help: 'Whether this replica holds the leader lease (1) or not (0).',
    labelNames: ['replica'], registers,
    collect() { const v = view(); this.reset(); this.set({ replica: v.self }, v.leader ? 1 : 0); },
  });
  new Gauge({
    name: METRICS.replicaCheckerHealthy, help: 'Whether the replica\'s probe results are trusted (1) or set aside as an unhealthy checker (0), as this replica sees it.',
    labelNames: ['replica'], registers,
    collect() { const v = view(); this.reset(); for (const m of v.members) if (m.live) this.set({ replica: m.name }, v.unhealthy.has(m.name) ? 0 : 1); },
  });
  new Gauge({
    name: METRICS.replicaAssignedComponents, help: 'Components the replica probes (its share), as this replica sees the assignment.',
    labelNames: ['replica'], registers,
    collect() { this.reset(); for (const [replica, n] of view().assigned) this.set({ replica }, n); },
  });
}
