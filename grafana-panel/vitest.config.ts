import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// The panel's unit and component tests run in jsdom. @grafana/* ship ESM that imports CSS and
// untranspiled dependencies, so vitest must transform them itself instead of handing them to Node.
export function panelProject(name: string, react: '18' | '19', extra: Pick<UserWorkspaceConfig, 'resolve'> & { inline?: RegExp[] } = {}): UserWorkspaceConfig {
  return defineProject({
    root: here,
    ...(extra.resolve ? { resolve: extra.resolve } : {}),
    test: {
      name,
      include: ['test/**/*.test.{ts,tsx}'],
      environment: 'jsdom',
      setupFiles: ['test/support/setup.ts'],
      server: { deps: { inline: [/@grafana\//, ...(extra.inline ?? [])] } },
      // The React line this run must use; test/react-version.test.tsx checks it is the one loaded.
      env: { PANEL_TEST_REACT: react },
      testTimeout: 30_000,
    },
  });
}

export default panelProject('panel', '18');
