/*
 * The /metrics series of examples/reference.yml in fixed situations, as `name{labels}` lines
 * (values dropped: latencies are not the contract, names and labels are). Written against the
 * modules passed in, so the golden (reference-series.golden.txt) could be produced by the code
 * before edges had meaning, and the test compares today's code with it (issue 18, acceptance 4).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The few exporter modules it drives; their shapes are the same before and after issue 18. */
export interface Modules {
  parseConfig(text: string, file: string, opts: { env: Record<string, string>; probeKinds: ReadonlyMap<string, unknown> }): any;
  PROBE_KINDS: ReadonlyMap<string, any>;
  SnapshotBuilder: new (components: readonly any[], seq: number, now: () => number) => { build(sources: any[], cycle: { lastCycleSeconds: number; cyclesCompleted: number }): any };
  MetricsRenderer: new (kinds: Iterable<any>, gauges: any) => { snapshotParts(s: any): readonly Buffer[] };
  initialState(probes: readonly unknown[], now: number): any;
}

type States = Record<string, 'operational' | 'degraded' | 'partial_outage' | 'major_outage'>;

/** Situations today's metrics describe: all well; outages at several depths; a degraded leaf. */
export const SITUATIONS: Record<string, States> = {
  operational: {},
  'primary down, stripe partial, frontend degraded': { 'postgresql-primary': 'major_outage', 'stripe-api': 'partial_outage', frontend: 'degraded' },
  'rabbitmq down, auth down by itself': { rabbitmq: 'major_outage', auth: 'major_outage' },
};

export function referenceSeries(m: Modules, root: string): string[] {
  const tokens = path.join(root, 'examples', 'reference.yml');
  const text = fs.readFileSync(tokens, 'utf8').replace('${file:/run/secrets/statusgraph-tokens}', 'golden-token');
  const env = { PG_PRIMARY_DSN: 'postgresql://u:p@db:5432/postgres', PG_REPLICA_DSN: 'postgresql://u:p@db2:5432/postgres', REDIS_URL: 'redis://:p@redis:6379', RABBITMQ_URL: 'amqp://u:p@mq:5672/' };
  const config = m.parseConfig(text, 'reference.yml', { env, probeKinds: m.PROBE_KINDS });
  const gauges = { incidentsOpen: () => 0, openIncidents: () => [], reloadSuccessful: () => true, reloadTimestampSeconds: () => 0, intervalSeconds: () => 30 };
  const out: string[] = [];
  for (const [situation, states] of Object.entries(SITUATIONS)) {
    const builder = new m.SnapshotBuilder(config.components, 0, () => 1_000);
    const sources = config.components.map((c: any) => {
      const probes = c.probes.map((p: any) => ({
        name: p.name, kind: p.kind, success: (states[c.name] ?? 'operational') !== 'major_outage', durationSeconds: 0.01, baselineSeconds: 0.02,
        inconclusive: false, maintenance: false, measurements: [], info: undefined, checkedAt: 1_000,
      }));
      const base = m.initialState(probes, 1_000);
      const state = { ...base, checked: true, hysteresis: { ...base.hysteresis, state: states[c.name] ?? 'operational' } };
      return { config: c, state };
    });
    const snap = builder.build(sources, { lastCycleSeconds: 0.5, cyclesCompleted: 1 });
    const body = Buffer.concat([...new m.MetricsRenderer(m.PROBE_KINDS.values(), gauges).snapshotParts(snap)]).toString('utf8');
    out.push(`# situation: ${situation}`);
    for (const line of body.split('\n')) {
      if (line === '') continue;
      // Headers as they are; samples without their value.
      out.push(line.startsWith('#') ? line : line.slice(0, line.lastIndexOf(' ')));
    }
  }
  return out;
}
