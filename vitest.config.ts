import { defineConfig } from 'vitest/config';

// One test command for the whole repo. Projects split by environment: the shared core and the
// exporter tests in Node, the panel in jsdom (twice: React 18 and React 19), and the cross-part tests that start real servers.
//
// vitest's default of one worker fewer than the cores meant ONE worker on the 2-core CI machine,
// so files ran one at a time on one core; two workers run two files at a time. Each file keeps its own
// worker (isolation on): without it (505 s -> 114 s for that group on a shared machine) a fresh-clone
// run failed an in-process test that passes alone, and there was no time left to find the leak.
// The integration files run two at a time too: one at a time they took 1,408 s of a 1,599 s run
// on the 2-core CI machine (fresh clone, 2026-11-30), most of it waiting on probe intervals, a
// 60 s PostgreSQL outage or a downloaded tool, not on the CPU. Each starts its own servers on
// free loopback ports in its own temporary directories, so two never share one.
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
        },
      },
    ],
  },
});
