/*
 * Issue 16, acceptance 5 (layout): the plugin validator's checks of the source tree. The one the
 * validator runs is `buildtools` (grafana/plugin-validator pkg/analysis/passes/buildtools, merged
 * in February 2026 as an error): .config/webpack/webpack.config.ts must exist and come from
 * @grafana/create-plugin. The other expectations are the create-plugin layout a proposed
 * `toolingcompliance` pass (at 299b3d78, never merged) checked: a .config directory, a Grafana
 * tooling package, the standard scripts, a webpack config and a tsconfig that extend .config.
 * The scripts must also be the ones that really build, test and lint the panel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/exporter.js';

const PANEL = path.join(REPO_ROOT, 'grafana-panel');
const read = (f: string) => fs.readFileSync(path.join(PANEL, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };

describe('panel source layout (the plugin validator\'s tooling checks)', () => {
  it('has the .config directory (missing-config-dir)', () => {
    expect(fs.statSync(path.join(PANEL, '.config')).isDirectory()).toBe(true);
  });

  it('uses a Grafana tooling package (missing-grafana-tooling)', () => {
    const tooling = ['@grafana/create-plugin', '@grafana/plugin-configs', '@grafana/eslint-config', '@grafana/tsconfig'];
    expect(Object.keys(pkg.devDependencies).filter((d) => tooling.includes(d))).toEqual(['@grafana/eslint-config']);
  });

  it('has the standard scripts dev, build, test and lint (missing-standard-scripts), and they are the real ones', () => {
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['dev', 'build', 'test', 'lint']));
    expect(pkg.scripts.build).toMatch(/^webpack -c \.\/webpack\.config\.js /);
    expect(pkg.scripts.dev).toMatch(/^webpack -c \.\/webpack\.config\.js .*--watch/);
    expect(pkg.scripts.test).toMatch(/--project panel --project panel-react19$/);
    expect(pkg.scripts.lint).toMatch(/^eslint /);
  });

  it('builds with .config/webpack/webpack.config.ts, the create-plugin config (buildtools: non-standard-frontend-build-tooling)', async () => {
    // The validator's whole check: the file, and create-plugin named in it.
    expect(read('.config/webpack/webpack.config.ts')).toContain('@grafana/create-plugin');
    // And it is the build's config, not a file kept for the check: the root config loads it.
    expect(read('webpack.config.js')).toContain("import('./.config/webpack/webpack.config.ts')");
    expect(fs.readdirSync(path.join(PANEL, '.config/webpack'))).toEqual(['webpack.config.ts']);
  });

  it('has a webpack.config.js that extends .config/webpack (invalid-webpack-config)', async () => {
    // The proposed check's test: the root config names ./.config/webpack.
    expect(read('webpack.config.js')).toContain("'./.config/webpack/");
    // And it is that config: the function webpack calls, building module.js from src/.
    const { default: config } = (await import(path.join(PANEL, 'webpack.config.js'))) as { default: (env: unknown, argv: { mode: string }) => { entry: unknown; context: string } };
    const built = config({}, { mode: 'production' });
    expect(built.entry).toEqual({ module: './module.ts' });
    expect(built.context).toBe(path.join(PANEL, 'src'));
  });

  it('has a tsconfig.json that extends .config/tsconfig.json (invalid-tsconfig)', () => {
    expect(JSON.parse(read('tsconfig.json')).extends).toBe('./.config/tsconfig.json');
  });

  it('has the scaffold\'s eslint config: eslint.config.mjs extending .config/eslint.config.mjs', () => {
    expect(read('eslint.config.mjs')).toContain("from './.config/eslint.config.mjs'");
    expect(read('.config/eslint.config.mjs')).toContain("from '@grafana/eslint-config'");
  });
});
