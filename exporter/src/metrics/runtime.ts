import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default totals that are gauges named like counters. `promtool check metrics`
 * rejects a non-counter with a `_total` suffix (exit 3 on the whole /metrics), and upstream keeps
 * them only for compatibility (prometheus/client_js#283). The per-type gauges they sum up
 * (`nodejs_active_handles{type}`, `nodejs_active_requests{type}`, `nodejs_active_resources{type}`)
 * stay: `sum without (type) (nodejs_active_handles)` is the old total.
 */
export const DROPPED_RUNTIME_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const;

/** Registers the standard process_* and nodejs_* metrics every Node.js exporter has, minus the misnamed totals. */
export function registerRuntimeMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  // Not every total exists on every Node version (resources need 17.3+); removing an absent one is a no-op.
  for (const name of DROPPED_RUNTIME_TOTALS) registry.removeSingleMetric(name);
}
