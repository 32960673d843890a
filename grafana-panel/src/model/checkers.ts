import type { DataFrame } from '@grafana/data';
import { frameSamples } from './frames.js';
import { metricOf } from './metrics.js';

/**
 * Replicas of a cluster set aside as unhealthy checkers (docs/cluster.md, "A broken checker"),
 * from statusgraph_replica_checker_healthy: 0 = its probe results are not trusted. Every scraped
 * replica reports every live one, so a replica appears once per scrape: it counts as unhealthy
 * when any report says so (what `min by (replica)` gives, the dashboard's `checkers` query).
 * Sorted; empty for one process, which exports no such series.
 */
export function unhealthyCheckers(series: readonly DataFrame[]): string[] {
  const healthy = new Map<string, boolean>();
  for (const frame of series) {
    for (const s of frameSamples(frame)) {
      const replica = s.labels.replica;
      if (!replica || typeof s.value !== 'number' || metricOf(s) !== 'checkerHealthy') {
        continue;
      }
      healthy.set(replica, (healthy.get(replica) ?? true) && s.value >= 1);
    }
  }
  return [...healthy].filter(([, ok]) => !ok).map(([r]) => r).sort();
}

/** The banner's text: who is set aside, and that this is not an outage. */
export function checkerBanner(replicas: readonly string[]): string | undefined {
  if (replicas.length === 0) {
    return undefined;
  }
  const who = replicas.length === 1 ? `replica ${replicas[0]}` : `replicas ${replicas.join(', ')}`;
  return `Checker unhealthy: ${who} (results set aside; components show what the other replicas see)`;
}
