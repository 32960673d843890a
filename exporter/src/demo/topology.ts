/**
 * The 14-component reference topology the demo simulates (the same graph as the README and the
 * Grafana dashboard), and how each component is probed in the demo.
 */
import type { Tier } from '@statusgraph/core';

export type DemoProbe =
  /** GET /health on the simulated service: 200 {"status":"ok"} or 503. */
  | 'http'
  /** TCP connect plus a PING/PONG round trip: refused while the component is broken. */
  | 'tcp'
  /** GET /replication: 503 while the primary it replicates from is broken. */
  | 'replication'
  /** The vendor's simulated Statuspage v2 summary.json. */
  | 'statuspage';

export interface DemoComponent {
  readonly name: string;
  readonly displayName: string;
  readonly tier: Tier;
  readonly dependsOn: readonly string[];
  readonly probes: readonly DemoProbe[];
  /** Typical response time of the simulated service, ms. */
  readonly latencyMs: number;
}

/**
 * The baseline each demo probe is configured with. One process runs the exporter and all fourteen
 * services on a small machine, so event-loop pauses add a hundred milliseconds now and then; a
 * learned baseline of a few milliseconds would flag them as "degraded" at random.
 */
export function demoBaselineMs(c: DemoComponent): number {
  return c.latencyMs + 100;
}

export const DEMO_TOPOLOGY: readonly DemoComponent[] = [
  { name: 'frontend', displayName: 'Frontend', tier: 'service', dependsOn: ['api-gateway'], probes: ['http'], latencyMs: 18 },
  { name: 'api-gateway', displayName: 'API gateway', tier: 'service', dependsOn: ['auth', 'orders', 'payments'], probes: ['http'], latencyMs: 12 },
  { name: 'auth', displayName: 'Auth', tier: 'service', dependsOn: ['postgresql-replica', 'redis-cache'], probes: ['http'], latencyMs: 9 },
  { name: 'orders', displayName: 'Orders', tier: 'service', dependsOn: ['postgresql-primary', 'redis-cache', 'rabbitmq'], probes: ['http'], latencyMs: 22 },
  { name: 'payments', displayName: 'Payments', tier: 'service', dependsOn: ['postgresql-primary', 'stripe-api'], probes: ['http'], latencyMs: 30 },
  { name: 'worker', displayName: 'Worker', tier: 'service', dependsOn: ['redis-cache', 'rabbitmq', 'sendgrid', 's3-storage'], probes: ['http'], latencyMs: 8 },
  { name: 'notifications', displayName: 'Notifications', tier: 'service', dependsOn: ['rabbitmq', 'sendgrid'], probes: ['http'], latencyMs: 10 },
  { name: 'postgresql-primary', displayName: 'PostgreSQL primary', tier: 'infrastructure', dependsOn: [], probes: ['tcp'], latencyMs: 2 },
  { name: 'postgresql-replica', displayName: 'PostgreSQL replica', tier: 'infrastructure', dependsOn: ['postgresql-primary'], probes: ['tcp', 'replication'], latencyMs: 3 },
  { name: 'redis-cache', displayName: 'Redis cache', tier: 'infrastructure', dependsOn: [], probes: ['tcp'], latencyMs: 1 },
  { name: 'rabbitmq', displayName: 'RabbitMQ', tier: 'infrastructure', dependsOn: [], probes: ['tcp'], latencyMs: 2 },
  { name: 'stripe-api', displayName: 'Stripe API', tier: 'third-party', dependsOn: [], probes: ['http', 'statuspage'], latencyMs: 45 },
  { name: 'sendgrid', displayName: 'SendGrid', tier: 'third-party', dependsOn: [], probes: ['http'], latencyMs: 35 },
  { name: 's3-storage', displayName: 'S3 storage', tier: 'third-party', dependsOn: [], probes: ['http'], latencyMs: 25 },
];
