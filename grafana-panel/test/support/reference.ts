/**
 * The 14-component reference topology (shared with examples/ and the browser test), and its
 * state during a postgresql-primary outage. Test data only; nothing here is computed.
 */
export interface RefComponent {
  readonly name: string;
  readonly tier: 'service' | 'infrastructure' | 'third-party';
  readonly displayName: string;
  readonly dependsOn: readonly string[];
  readonly probes: readonly string[];
}

export const REFERENCE: readonly RefComponent[] = [
  { name: 'frontend', tier: 'service', displayName: 'Frontend', dependsOn: ['api-gateway'], probes: ['http'] },
  { name: 'api-gateway', tier: 'service', displayName: 'API gateway', dependsOn: ['auth', 'orders', 'payments'], probes: ['http'] },
  { name: 'auth', tier: 'service', displayName: 'Auth', dependsOn: ['postgresql-replica', 'redis-cache'], probes: ['http'] },
  { name: 'orders', tier: 'service', displayName: 'Orders', dependsOn: ['postgresql-primary', 'redis-cache', 'rabbitmq'], probes: ['http'] },
  { name: 'payments', tier: 'service', displayName: 'Payments', dependsOn: ['postgresql-primary', 'stripe-api'], probes: ['http'] },
  { name: 'worker', tier: 'service', displayName: 'Worker', dependsOn: ['redis-cache', 'rabbitmq', 'sendgrid', 's3-storage'], probes: ['http'] },
  { name: 'notifications', tier: 'service', displayName: 'Notifications', dependsOn: ['rabbitmq', 'sendgrid'], probes: ['http'] },
  { name: 'postgresql-primary', tier: 'infrastructure', displayName: 'PostgreSQL primary', dependsOn: [], probes: ['postgres'] },
  { name: 'postgresql-replica', tier: 'infrastructure', displayName: 'PostgreSQL replica', dependsOn: ['postgresql-primary'], probes: ['postgres'] },
  { name: 'redis-cache', tier: 'infrastructure', displayName: 'Redis cache', dependsOn: [], probes: ['redis'] },
  { name: 'rabbitmq', tier: 'infrastructure', displayName: 'RabbitMQ', dependsOn: [], probes: ['rabbitmq'] },
  { name: 'stripe-api', tier: 'third-party', displayName: 'Stripe API', dependsOn: [], probes: ['http', 'statuspage'] },
  { name: 'sendgrid', tier: 'third-party', displayName: 'SendGrid', dependsOn: [], probes: ['statuspage'] },
  { name: 's3-storage', tier: 'third-party', displayName: 'S3 storage', dependsOn: [], probes: ['http'] },
];

export const ROOT_CAUSE = 'postgresql-primary';

/** Own states (0..3) during the outage: the primary is down, the rest pass their own probes. */
export const OUTAGE_STATUS: Readonly<Record<string, number>> = {
  frontend: 0, 'api-gateway': 0, auth: 0, orders: 0, payments: 1, worker: 0, notifications: 0,
  'postgresql-primary': 3, 'postgresql-replica': 2, 'redis-cache': 0, rabbitmq: 0,
  'stripe-api': 0, sendgrid: 0, 's3-storage': 0,
};

/** Everything downstream of the primary, as the exporter reports it. */
export const OUTAGE_IMPACTED: readonly string[] = [
  'api-gateway', 'auth', 'frontend', 'orders', 'payments', 'postgresql-replica',
];

/** Last probe latency in seconds during the outage (the primary's probe timed out). */
export const OUTAGE_LATENCY: Readonly<Record<string, number>> = {
  frontend: 0.041, 'api-gateway': 0.012, auth: 0.009, orders: 0.018, payments: 0.212, worker: 0.007,
  notifications: 0.006, 'postgresql-primary': 10, 'postgresql-replica': 0.004, 'redis-cache': 0.0008,
  rabbitmq: 0.003, 'stripe-api': 0.145, sendgrid: 0.098, 's3-storage': 0.033,
};

export const BASELINE: Readonly<Record<string, number>> = {
  frontend: 0.04, 'api-gateway': 0.01, auth: 0.008, orders: 0.02, payments: 0.06, worker: 0.006,
  notifications: 0.006, 'postgresql-primary': 0.002, 'postgresql-replica': 0.002, 'redis-cache': 0.0007,
  rabbitmq: 0.003, 'stripe-api': 0.14, sendgrid: 0.1, 's3-storage': 0.03,
};

export function referenceEdges(): Array<{ source: string; target: string }> {
  return REFERENCE.flatMap((c) => c.dependsOn.map((d) => ({ source: c.name, target: d })));
}

export interface RawSeries {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What Prometheus returns for the panel's instant queries during the outage. */
export function outageSeries(): Record<string, RawSeries[]> {
  const tierOf = new Map(REFERENCE.map((c) => [c.name, c.tier]));
  return {
    statusgraph_component_status: REFERENCE.map((c) => ({
      metric: 'statusgraph_component_status', labels: { component: c.name, tier: c.tier }, value: OUTAGE_STATUS[c.name] as number,
    })),
    statusgraph_component_impacted: OUTAGE_IMPACTED.map((name) => ({
      metric: 'statusgraph_component_impacted', labels: { component: name, tier: tierOf.get(name) as string, root_cause: ROOT_CAUSE }, value: 1,
    })),
    statusgraph_dependency_info: referenceEdges().map((e) => ({
      metric: 'statusgraph_dependency_info', labels: { component: e.source, depends_on: e.target }, value: 1,
    })),
    statusgraph_probe_duration_seconds: REFERENCE.map((c) => ({
      metric: 'statusgraph_probe_duration_seconds', labels: { component: c.name, probe: c.probes[0] as string }, value: OUTAGE_LATENCY[c.name] as number,
    })),
    statusgraph_probe_baseline_seconds: REFERENCE.map((c) => ({
      metric: 'statusgraph_probe_baseline_seconds', labels: { component: c.name, probe: c.probes[0] as string }, value: BASELINE[c.name] as number,
    })),
    statusgraph_component_info: REFERENCE.map((c) => ({
      metric: 'statusgraph_component_info',
      labels: { component: c.name, tier: c.tier, display_name: c.displayName, environment: 'production', runbook: `https://wiki.example/runbooks/${c.name}` },
      value: 1,
    })),
  };
}

/** The open incident annotation the exporter mirrors for the outage. */
export const OUTAGE_INCIDENT = {
  id: 17,
  title: 'INC-17: postgresql-primary major outage',
  tags: ['incident', 'severity:critical', `component:${ROOT_CAUSE}`, ...OUTAGE_IMPACTED.map((c) => `component:${c}`)],
} as const;

/**
 * A Prometheus data source frame in table format, as plain data (the DataFrame shape), so the
 * browser harness can use it without @grafana/data: one row per series, labels as string columns.
 */
export function plainTableFrame(refId: string, series: readonly RawSeries[], withName: boolean): {
  refId: string; name?: string; length: number; meta: { executedQueryString: string };
  fields: Array<{ name: string; type: string; values: unknown[]; config: Record<string, unknown> }>;
} {
  const labelNames = [...new Set(series.flatMap((s) => Object.keys(s.labels)))].sort();
  if (withName) {
    labelNames.unshift('__name__');
  }
  const metric = series[0]?.metric ?? '';
  const at = 1_763_700_000_000;
  return {
    refId,
    length: series.length,
    meta: { executedQueryString: `Expr: ${withName ? metric : `max by (${labelNames.join(', ')}) (${metric})`}\nStep: 15s` },
    fields: [
      { name: 'Time', type: 'time', values: series.map(() => at), config: {} },
      ...labelNames.map((l) => ({
        name: l, type: 'string', config: {},
        values: series.map((s) => (l === '__name__' ? s.metric : s.labels[l] ?? '')),
      })),
      { name: `Value #${refId}`, type: 'number', values: series.map((s) => s.value), config: {} },
    ],
  };
}
