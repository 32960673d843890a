/**
 * @statusgraph/core: the vocabulary every part of statusgraph shares, written once. Pure: no
 * dependencies, no I/O (its tsconfig has no node or DOM types), so the exporter, the status page
 * bundle and the Grafana panel all import it.
 */
export * from './states.js';
export * from './tiers.js';
export * from './graph.js';
export * from './edges.js';
export * from './impact.js';
export * from './maintenance.js';
export * from './duration.js';
export * from './latency.js';
export * from './secrets.js';
export * from './metrics.js';
export * from './api.js';
export * from './page-view.js';
export * from './layout.js';
