import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { SnapshotBuilder } from '../../src/engine/snapshot-builder.js';
import { MetricsRenderer } from '../../src/metrics/renderer.js';
import { initialState } from '../../src/engine/round.js';
import { referenceSeries } from './reference-series.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

describe('today\'s configs give the same metrics (issue 18, acceptance 4)', () => {
  it('exposes for examples/reference.yml exactly the series (names, labels, headers) the code before edges had meaning did', () => {
    // The golden was written by reference-series.ts run against the exporter of commit 7a4f5ce.
    const golden = fs.readFileSync(path.join(here, 'reference-series.golden.txt'), 'utf8').trimEnd().split('\n');
    // The SLO round counters (issue 21) are additions, not in the code of 7a4f5ce: left out here,
    // tested in engine/attribution.test.ts.
    const slo = /^(# (HELP|TYPE) )?statusgraph_component_(available_|unavailable_)?rounds_total\b/;
    const now = referenceSeries({ parseConfig, PROBE_KINDS, SnapshotBuilder, MetricsRenderer, initialState } as never, root).filter((l) => !slo.test(l));
    expect(now).toEqual(golden);
    // It covers impact: without impacted series it would prove little.
    expect(golden.filter((l) => l.startsWith('statusgraph_component_impacted{')).length).toBeGreaterThan(5);
  });
});

describe('the series edges with meaning add', () => {
  it('exposes the edge meaning apart and the affected components with root cause and carries', () => {
    const text = `components:
  - name: replica
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
  - name: redis
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:2" }]
  - name: orders
    tier: service
    depends_on: [{ name: replica, carries: read-heavy queries }, { name: redis, strength: soft }]
    probes: [{ kind: tcp, address: "127.0.0.1:3" }]
`;
    const config = parseConfig(text, 'sg.yml', { env: {}, probeKinds: PROBE_KINDS });
    const states: Record<string, 'degraded' | 'major_outage'> = { replica: 'degraded', redis: 'major_outage' };
    const builder = new SnapshotBuilder(config.components, 0, () => 1_000);
    const snap = builder.build(config.components.map((c) => {
      const base = initialState([], 1_000);
      return { config: c, state: { ...base, checked: true, hysteresis: { ...base.hysteresis, state: states[c.name] ?? 'operational' } } };
    }), { lastCycleSeconds: 0, cyclesCompleted: 1 });
    const gauges = { incidentsOpen: () => 0, openIncidents: () => [], reloadSuccessful: () => true, reloadTimestampSeconds: () => 0, intervalSeconds: () => 30 };
    const body = Buffer.concat([...new MetricsRenderer(PROBE_KINDS.values(), gauges).snapshotParts(snap)]).toString('utf8');
    const lines = body.split('\n');
    expect(lines.filter((l) => l.startsWith('statusgraph_component_affected{'))).toEqual([
      'statusgraph_component_affected{component="orders",tier="service",root_cause="redis",carries=""} 1',
      'statusgraph_component_affected{component="orders",tier="service",root_cause="replica",carries="read-heavy queries"} 1',
    ]);
    expect(lines.filter((l) => l.startsWith('statusgraph_dependency_edge_info{'))).toEqual([
      'statusgraph_dependency_edge_info{component="orders",depends_on="replica",strength="hard",carries="read-heavy queries"} 1',
      'statusgraph_dependency_edge_info{component="orders",depends_on="redis",strength="soft",carries=""} 1',
    ]);
    // Neither is impacted: a soft edge and a degradation only affect.
    expect(lines.filter((l) => l.startsWith('statusgraph_component_impacted{'))).toEqual([]);
    expect(lines).toContain('# TYPE statusgraph_component_affected gauge');
  });
});
