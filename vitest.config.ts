import { defineConfig } from 'vitest/config';

// One test command for the whole repo. Projects split by environment: the shared core and the
// exporter tests in Node, the panel in jsdom (twice: React 18 and React 19), and the cross-part tests that start real servers,
// which run one file at a time because they own processes and ports on a 2-core machine.
//
// vitest runs the in-process projects first, as one group, then the integration files alone. Its
// default of one worker fewer than the cores meant ONE worker on the 2-core CI machine, so the group
// ran a file at a time on one core. Two workers, and `isolate: false` on the in-process projects
// (a worker keeps the modules it imported, jsdom and @grafana/ui included, for the project's next
// file; they have no module-level state and mock nothing): 505 s -> 114 s for that group on the
// shared machine (of the 505, 127 were tests; the rest was per-file start-up: a fresh worker, jsdom and
// the imports again for each of 125 files). The integration project keeps its one file at
// a time (fileParallelism: false wins over maxWorkers).
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
          isolate: false,
        },
      },
      {
        test: {
          name: 'exporter',
          include: ['exporter/test/**/*.test.ts'],
          environment: 'node',
          isolate: false,
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
