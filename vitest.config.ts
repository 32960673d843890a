import { defineConfig } from 'vitest/config';

// One test command for the whole repo. Projects split by environment: the shared core and the
// exporter tests in Node, the panel in jsdom (twice: React 18 and React 19), and the cross-part tests that start real servers,
// which run one file at a time because they own processes and ports on a 2-core machine.
//
// vitest runs the in-process projects first, as one group, then the integration files alone. Its
// default of one worker fewer than the cores meant ONE worker on the 2-core CI machine, so the group
// ran a file at a time on one core; two workers run two files at a time. Each file keeps its own
// worker (isolation on): without it (505 s -> 114 s for that group on a shared machine) a fresh-clone
// run failed an in-process test that passes alone, and there was no time left to find the leak.
// The integration project keeps its one file at a time (fileParallelism: false wins over maxWorkers).
export default defineConfig({
  test: {
    maxWorkers: 2,
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
