/*
 * The lint config as @grafana/create-plugin scaffolds it (.config/eslint.config.mjs, extended by
 * ../eslint.config.mjs): @grafana/eslint-config, prop-types off (TypeScript checks props), and
 * type-aware rules for the sources.
 */
import { defineConfig, globalIgnores } from 'eslint/config';
import grafanaConfig from '@grafana/eslint-config';

export default defineConfig([
  globalIgnores(['**/node_modules/', '**/dist/', '**/coverage', '**/.eslintcache']),
  ...grafanaConfig,
  {
    rules: {
      'react/prop-types': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        project: './tsconfig.json',
      },
    },
    rules: {
      '@typescript-eslint/no-deprecated': 'warn',
    },
  },
  {
    files: ['./tests/**/*'],
    rules: {
      'react-hooks/rules-of-hooks': 'off',
    },
  },
]);
