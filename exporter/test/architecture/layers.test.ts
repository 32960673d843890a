import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSources, violations, WORKSPACE_SOURCES } from './layers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');


describe('architecture: imports point down only', () => {
  const found = violations(readSources(root, WORKSPACE_SOURCES));

  it('no module imports a layer above it, a package from core, or another workspace by path', () => {
    expect(found.map((v) => `${v.edge}  (${v.why})`)).toEqual([]);
  });
});

describe('the checker', () => {
  it('reports an upward import, type-only and re-exports included, and accepts downward ones', () => {
    const v = violations([
      { file: 'exporter/src/config/load.ts', imports: ['../engine/graph.js', './types.js', '@statusgraph/core', 'zod'] },
      { file: 'exporter/src/engine/monitor.ts', imports: ['../config/types.js', '../probes/types.js'] },
      { file: 'exporter/src/reports/index.ts', imports: ['../http/server.js'] },
    ]);
    expect(v.map((x) => x.edge)).toEqual([
      'exporter/src/config/load.ts -> exporter/src/engine/graph.js',
      'exporter/src/reports/index.ts -> exporter/src/http/server.js',
    ]);
  });

  it('keeps the core package free of packages and of the other workspaces', () => {
    const v = violations([
      { file: 'packages/core/src/states.ts', imports: ['./tiers.js', 'zod', '../../../exporter/src/log.js'] },
      { file: 'exporter/static/src/graph.ts', imports: ['../../../grafana-panel/src/layout/layout.js', '@statusgraph/core'] },
    ]);
    expect(v.map((x) => x.why)).toEqual([
      'the core package imports no package',
      'imports another workspace by path: import @statusgraph/core by name',
      'imports another workspace by path: import @statusgraph/core by name',
    ]);
  });

  it('refuses a module in a folder the table does not know', () => {
    expect(violations([{ file: 'exporter/src/newthing/x.ts', imports: [] }]).map((x) => x.why))
      .toEqual(['module outside every unit of LAYERS: add its folder to the table']);
  });
});
