import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What the repository-wide layer check (exporter/test/architecture/layers.test.ts) cannot say by
// rank: the incident domain knows sinks only through its own interface (sink.ts) and no HTTP
// framework; Grafana, the webhook and the registry are chosen at the composition root; sinks never
// reach into a store backend.
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function importsOf(dir: string, skip: ReadonlySet<string> = new Set()): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.ts') || skip.has(f)) continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/from '([^']+)'/g)) out.push([f, path.relative(SRC, path.resolve(path.dirname(path.join(dir, f)), m[1]!))]);
  }
  return out;
}

describe('incident layers', () => {
  it('the incident domain imports no destination, no sink, no HTTP module and no HTTP framework', () => {
    const bad = importsOf(path.join(SRC, 'incidents')).filter(([, to]) => /^(grafana|sinks|http|slack)\/|(^|\/)express$/.test(to));
    expect(bad).toEqual([]);
  });

  it('sinks import no HTTP routing and no store backend', () => {
    const bad = importsOf(path.join(SRC, 'sinks')).filter(([, to]) => /^(http|slack)\/|^incidents\/(sqlite|index|service|store)/.test(to));
    expect(bad).toEqual([]);
  });
});
