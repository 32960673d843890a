import { defineConfig } from 'vitest/config';

// One test command for the whole repo. Projects split by environment: the shared core and the
// exporter tests in Node, the panel in jsdom (twice: React 18 and React 19), and the cross-part tests that start real servers,
// which run one file at a time because they own processes and ports on a 2-core machine.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          // The shared package, and the architecture checks over every workspace's imports.
          name: 'core',
          include: ['packages/core/test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'exporter',
          include: ['exporter/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      'grafana-panel/vitest.config.ts',
      'grafana-panel/vitest.react19.config.ts',
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
