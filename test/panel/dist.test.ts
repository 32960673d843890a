import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { PANEL_DIST } from './harness.js';

// Modules Grafana's plugin loader provides to plugins (what @grafana/create-plugin marks external).
const GRAFANA_PROVIDED = new Set([
  'react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@emotion/css', '@emotion/react',
  'lodash', 'jquery', 'moment', 'rxjs', 'd3', 'slate', 'slate-plain-serializer', 'prismjs', 'react-redux', 'redux',
  'react-router', 'i18next', 'angular', 'emotion', '@grafana/slate-react', 'module',
]);

const read = (f: string) => fs.readFileSync(path.join(PANEL_DIST, f), 'utf8');

/*
 * The plugin validator's own plugin.json schema (fixtures/plugin.schema.SOURCE.md says where it
 * comes from). Not strict: the schema is Grafana's, with keywords ajv's strict mode flags
 * (`additionalItems` beside a non-array `items`) that draft-07 and gojsonschema ignore. Formats
 * (email, uri) are checked, as gojsonschema does. Its patterns escape `-` and `%`, which Go's
 * regexp accepts and a JavaScript `u`-flag RegExp refuses, hence unicodeRegExp off.
 */
const pluginSchema = JSON.parse(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/plugin.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validatePlugin = ajv.compile(pluginSchema);
function schemaErrors(pluginJson: unknown): string[] {
  validatePlugin(pluginJson);
  const describe = (e: ErrorObject) =>
    `${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`.trim();
  return (validatePlugin.errors ?? []).map(describe);
}

describe('built plugin in grafana-panel/dist', () => {
  it('has a plugin.json, in src and in dist, that the plugin validator\'s schema accepts', () => {
    const built = JSON.parse(read('plugin.json'));
    const source = JSON.parse(fs.readFileSync(path.join(PANEL_DIST, '../src/plugin.json'), 'utf8'));
    expect(schemaErrors(source)).toEqual([]);
    expect(schemaErrors(built)).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(PANEL_DIST, '..', 'package.json'), 'utf8'));
    expect(built.id).toBe('statusgraph-dependencies-panel');
    expect(built.info.version).toBe(pkg.version);
    // The schema accepts the placeholders; the build must have replaced them.
    expect(JSON.stringify(built)).not.toMatch(/%[A-Z]+%/);
    expect(Number.isNaN(Date.parse(built.info.updated))).toBe(false);
    for (const logo of [built.info.logos.small, built.info.logos.large]) {
      expect(fs.existsSync(path.join(PANEL_DIST, logo)), logo).toBe(true);
    }
    for (const s of built.info.screenshots ?? []) {
      expect(fs.existsSync(path.join(PANEL_DIST, s.path)), s.path).toBe(true);
    }
  });

  it('uses a schema that refuses what the validator refuses', () => {
    const built = JSON.parse(read('plugin.json'));
    const withDeps = (dependencies: object) => ({ ...built, dependencies });
    // The Grafana 7 field alone, no grafanaDependency: refused since the catalog enforces the latter.
    expect(schemaErrors(withDeps({ grafanaVersion: '7.x.x' }))).toEqual(["/dependencies must have required property 'grafanaDependency'"]);
    expect(schemaErrors(withDeps({ grafanaDependency: '12 or later' }))[0]).toMatch(/^\/dependencies\/grafanaDependency must match pattern/);
    expect(schemaErrors({ ...built, info: { ...built.info, keywords: [] } })).toEqual(['/info/keywords must NOT have fewer than 1 items']);
    expect(schemaErrors({ ...built, info: { ...built.info, author: { name: 'x', url: 'not a uri' } } })).toEqual(['/info/author/url must match format "uri"']);
    expect(schemaErrors({ ...built, id: 'statusgraph-dependencies' })[0]).toMatch(/^\/id must match pattern/);
    expect(schemaErrors({ ...built, extra: true })).toEqual(['must NOT have additional properties (extra)']);
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
