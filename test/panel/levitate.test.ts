/*
 * Issue 16, acceptance 2: the panel works on every Grafana line plugin.json allows. @grafana/levitate
 * compares the APIs module.ts (and what it imports) uses between the newest @grafana/data, ui and
 * runtime and a target version, fetched from the npm registry. Each supported line is checked at
 * its first release, the one furthest from what the panel is built against.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../alerting/tools.js';
import { REPO_ROOT } from '../support/exporter.js';
import { tempDir } from '../support/tmp.js';

const PANEL = path.join(REPO_ROOT, 'grafana-panel');
const LEVITATE = path.join(REPO_ROOT, 'node_modules/.bin/levitate');
const LINES = ['12.0.0', '13.0.0'];

/**
 * The incompatibilities levitate lists (`N) Changed `X` used in ...`), each with its -/+ lines.
 * One whose removed and added declarations differ only by `export` changed a type's visibility
 * in the .d.ts files, nothing the built module.js calls: it does not count.
 */
export function realIncompatibilities(report: string): string[] {
  const plain = report.replace(/\u001b\[[0-9;]*m/g, '');
  const items = plain.split(/^(?=\d+\) )/m).slice(1);
  return items.filter((item) => {
    const diff = item.split('\n').filter((l) => /^[-+]\S/.test(l) && !l.startsWith('+ Added'));
    const norm = (sign: string) => diff.filter((l) => l[0] === sign).map((l) => l.slice(1).replace(/^export\s+/, '').trim()).sort();
    return diff.length === 0 || JSON.stringify(norm('-')) !== JSON.stringify(norm('+'));
  }).map((item) => item.split('\n')[0]!);
}

describe('Grafana API compatibility (levitate)', () => {
  it('recognises a real incompatibility and ignores a visibility-only one', () => {
    const report = [
      '1) Changed `PanelPlugin.setPanelOptions` used in `src/module.ts:29`', 'Parameter type changed:', '', '+ Added- Removed', '',
      '-export type S<T> = (b: B<T>) => void;', '+type S<T> = (b: B<T>) => void;', '',
      '2) Removed `PanelPlugin.setDataSupport` used in `src/module.ts:7`', '-setDataSupport(s: S): this;', '',
    ].join('\n');
    expect(realIncompatibilities(report)).toEqual(['2) Removed `PanelPlugin.setDataSupport` used in `src/module.ts:7`']);
  });

  it('plugin.json asks for the oldest line checked here', () => {
    const pj = JSON.parse(fs.readFileSync(path.join(PANEL, 'src/plugin.json'), 'utf8')) as { dependencies: { grafanaDependency: string } };
    expect(pj.dependencies.grafanaDependency).toBe(`>=${LINES[0]}`);
  });

  // The lines at once, one levitate per core: each is about 70 s, half of it waiting for npm and the
  // registry. Each gets its own TMPDIR: levitate unpacks every package into os.tmpdir()/<name>@<version>
  // after an `rm -rf` of it, and both runs unpack @grafana/*@latest.
  it.concurrent.for(LINES)('module.ts uses only APIs that Grafana %s has, with the same signatures', { timeout: 240_000 }, async (version, { expect }) => {
    const target = ['@grafana/data', '@grafana/ui', '@grafana/runtime'].map((p) => `${p}@${version}`).join(',');
    const tmp = tempDir('statusgraph-levitate-');
    try {
      // --force: the packages are hoisted to the workspace root, where levitate's `npm list` in grafana-panel/ does not look.
      const r = await runTool(LEVITATE, ['is-compatible', '--force', '--path', 'src/module.ts', '--target', target], PANEL, { TMPDIR: tmp.path });
      const out = r.stdout + r.stderr;
      // Every package was compared, none skipped.
      expect(out.match(/Successfully compared versions/g), out).toHaveLength(3);
      expect(realIncompatibilities(out), out).toEqual([]);
    } finally {
      tmp.remove();
    }
  });
});
