/*
 * Issue 16, acceptance 5 (layout): the plugin validator's `toolingcompliance` checks, which read
 * only the source tree (grafana/plugin-validator pkg/analysis/passes/toolingcompliance at
 * 299b3d78): a .config directory, a Grafana tooling package, the standard scripts, a webpack
 * config and a tsconfig that extend .config. Each expectation is one of its rules; the scripts
 * must also be the ones that really build, test and lint the panel.
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

  it('has a webpack.config.js that extends .config/webpack (invalid-webpack-config)', async () => {
    expect(read('webpack.config.js')).toContain("from './.config/webpack/");
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
