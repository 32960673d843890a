import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// The panel's unit and component tests run in jsdom. @grafana/* ship ESM that imports CSS and
// untranspiled dependencies, so vitest must transform them itself instead of handing them to Node.
export default defineProject({
  root: here,
  test: {
    name: 'panel',
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    server: { deps: { inline: [/@grafana\//] } },
    testTimeout: 30_000,
  },
});
