import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

// The scaffold's base config lints TypeScript only under src/ (where its tests live). This panel
// keeps its tests in test/, its vitest configs beside package.json and its build config in
// .config/webpack/: they get the same rules.
export default defineConfig([
  ...baseConfig,
  {
    files: ['test/**/*.{ts,tsx}', '*.ts', '.config/**/*.ts'],
  },
]);
