/*
 * Issue 16, item 3: the panel lints clean with @grafana/eslint-config, loaded the way
 * @grafana/create-plugin scaffolds it (grafana-panel/eslint.config.mjs extending
 * .config/eslint.config.mjs). The same config the `npm run lint -w grafana-panel` script uses.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/exporter.js';

const PANEL = path.join(REPO_ROOT, 'grafana-panel');
const eslint = () => new ESLint({ cwd: PANEL });

describe('panel lint (@grafana/eslint-config)', () => {
  it('reports no error and no warning on the sources, tests and configs', async () => {
    const results = await eslint().lintFiles(['.']);
    const linted = results.map((r) => path.relative(PANEL, r.filePath));
    // The TypeScript sources and the tests are linted, not only the .mjs configs.
    expect(linted).toEqual(expect.arrayContaining([
      'src/components/DependencyPanel.tsx', 'src/module.ts', 'test/components/DependencyPanel.test.tsx', 'vitest.config.ts',
      '.config/webpack/webpack.config.ts',
    ]));
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(PANEL, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));
    expect(problems).toEqual([]);
    // Type-aware rules parse the whole program: about 10 s alone, 70 s on the shared 2-core machine.
  }, 300_000);

  it('is the Grafana config: the clock during render and a brace-less if are errors', async () => {
    const component = [
      "import React from 'react';",
      'export function Clock() {',
      '  const now = Date.now();',
      '  if (now > 0) return <span>{now}</span>;',
      '  return null;',
      '}',
      '',
    ].join('\n');
    // Linted under a source's name: the typed rules only parse files that tsconfig.json includes.
    const [result] = await eslint().lintText(component, { filePath: path.join(PANEL, 'src/components/DependencyPanel.tsx') });
    const rules = result!.messages.map((m) => m.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['react-hooks/purity', 'curly']));
  }, 60_000);
});
