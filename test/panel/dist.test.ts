import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PANEL_DIST } from './harness.js';

// Modules Grafana's plugin loader provides to plugins (what @grafana/create-plugin marks external).
const GRAFANA_PROVIDED = new Set([
  'react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@emotion/css', '@emotion/react',
  'lodash', 'jquery', 'moment', 'rxjs', 'd3', 'slate', 'slate-plain-serializer', 'prismjs', 'react-redux', 'redux',
  'react-router', 'i18next', 'angular', 'emotion', '@grafana/slate-react', 'module',
]);

const read = (f: string) => fs.readFileSync(path.join(PANEL_DIST, f), 'utf8');

describe('built plugin in grafana-panel/dist', () => {
  it('has a plugin.json that satisfies the Grafana plugin.json schema rules', () => {
    const pj = JSON.parse(read('plugin.json'));
    const pkg = JSON.parse(fs.readFileSync(path.join(PANEL_DIST, '..', 'package.json'), 'utf8'));
    expect(pj.id).toBe('statusgraph-dependencies-panel');
    expect(pj.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?panel$/);
    expect(pj.type).toBe('panel');
    expect(typeof pj.name).toBe('string');
    expect(pj.info.version).toBe(pkg.version);
    expect(pj.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(pj.info.updated))).toBe(false);
    expect(Array.isArray(pj.info.keywords) && pj.info.keywords.length).toBeGreaterThan(0);
    expect(pj.info.author.name).toBeTruthy();
    for (const logo of [pj.info.logos.small, pj.info.logos.large]) {
      expect(fs.existsSync(path.join(PANEL_DIST, logo)), logo).toBe(true);
    }
    for (const s of pj.info.screenshots ?? []) expect(fs.existsSync(path.join(PANEL_DIST, s.path)), s.path).toBe(true);
    // The schema's rules: semver-range grafanaDependency, no properties it does not define.
    expect(pj.dependencies.grafanaDependency).toMatch(/^(<=|>=|<|>|=|~|\^)?\d+(\.[0-9x*]+)(\.[0-9x*]+)?$/);
    expect(pj.info.version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)/);
    const subset = (o: object, allowed: string[]) => Object.keys(o).filter((k) => !allowed.includes(k));
    expect(subset(pj, ['$schema', 'id', 'type', 'name', 'info', 'dependencies', 'includes', 'skipDataQuery', 'state'])).toEqual([]);
    expect(subset(pj.info, ['author', 'build', 'description', 'keywords', 'links', 'logos', 'screenshots', 'updated', 'version'])).toEqual([]);
    expect(subset(pj.info.author, ['name', 'email', 'url'])).toEqual([]);
    expect(subset(pj.info.logos, ['small', 'large'])).toEqual([]);
    expect(subset(pj.dependencies, ['grafanaDependency', 'grafanaVersion', 'plugins'])).toEqual([]);
    // Placeholders are replaced at build time.
    expect(JSON.stringify(pj)).not.toMatch(/%[A-Z]+%/);
  });

  it('ships LICENSE, CHANGELOG and README, and each image once (the plugin validator\'s archive checks)', () => {
    const license = read('LICENSE');
    expect(license).toContain('Apache License');
    expect(license).toBe(fs.readFileSync(path.join(PANEL_DIST, '../../LICENSE'), 'utf8'));
    expect(read('CHANGELOG.md')).toMatch(/^# /);
    // Every image the README shows is in the archive, under the path it names.
    const readme = read('README.md');
    const shown = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThan(0);
    for (const img of shown) expect(fs.existsSync(path.join(PANEL_DIST, img)), img).toBe(true);
    // No file twice under two names.
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) (e.isDirectory() ? walk : (f: string) => files.push(f))(path.join(dir, e.name));
    };
    walk(PANEL_DIST);
    const byContent = new Map<string, string[]>();
    for (const f of files) {
      const key = fs.readFileSync(f).toString('base64');
      byContent.set(key, [...(byContent.get(key) ?? []), path.relative(PANEL_DIST, f)]);
    }
    expect([...byContent.values()].filter((names) => names.length > 1)).toEqual([]);
  });

  it('ships module.js as an AMD module importing only what Grafana provides', () => {
    const js = read('module.js');
    const m = /define\((\[[^\]]*\])\s*,/.exec(js);
    expect(m, 'an AMD define([...], factory) call').not.toBeNull();
    const deps = JSON.parse(m![1]!) as string[];
    expect(deps.length).toBeGreaterThan(0);
    for (const d of deps) expect(GRAFANA_PROVIDED.has(d), `${d} is not provided by Grafana`).toBe(true);
    expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data']));
    // One define only: nothing else is loaded at runtime, and React is not bundled a second time.
    expect(js.match(/\bdefine\(/g)).toHaveLength(1);
    expect(js).not.toContain('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED');
  });

  it('exports `plugin` from the AMD factory', () => {
    const js = read('module.js');
    let exported: Record<string, unknown> | undefined;
    class FakePanelPlugin {
      constructor(readonly panel: unknown) {}
      setDataSupport() { return this; }
      setPanelOptions() { return this; }
    }
    const externals: Record<string, unknown> = {
      '@grafana/data': { PanelPlugin: FakePanelPlugin, FieldType: { number: 'number', string: 'string' } },
      '@grafana/ui': {}, '@grafana/runtime': {}, '@emotion/css': { css: () => '' }, react: { createElement: () => null },
    };
    const define = (deps: string[], factory: (...a: unknown[]) => Record<string, unknown>) => {
      exported = factory(...deps.map((d) => externals[d]));
    };
    new Function('define', js)(define);
    expect(exported?.plugin).toBeInstanceOf(FakePanelPlugin);
    expect(typeof (exported!.plugin as FakePanelPlugin).panel).toBe('function');
  });
});
