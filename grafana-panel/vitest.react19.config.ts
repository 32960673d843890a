import { fileURLToPath } from 'node:url';
import { panelProject } from './vitest.config.js';

/*
 * The same panel tests under React 19 (@grafana/ui 13.2+ requires it; the panel builds against
 * React 18, which Grafana 12 ships). React 19 lives in test/react19/node_modules (its own workspace:
 * react-dom 19 cannot sit beside the workspace's React 18). The packages that render through React
 * (@grafana/*, the testing library, emotion) go through vitest (inline), so the alias reaches
 * their own `react` imports too; test/react-version.test.tsx checks the React that renders.
 */
const react19 = fileURLToPath(new URL('../test/react19/node_modules/', import.meta.url));
// The testing library's ESM build: its CommonJS one would `require('react')` past the alias.
const testingLibrary = fileURLToPath(new URL('../node_modules/@testing-library/react/dist/@testing-library/react.esm.js', import.meta.url));

export default panelProject('panel-react19', '19', {
  inline: [/@testing-library\//, /@emotion\//],
  resolve: {
    alias: [
      { find: /^react(\/.*)?$/, replacement: `${react19}react$1` },
      { find: /^react-dom(\/.*)?$/, replacement: `${react19}react-dom$1` },
      { find: /^@testing-library\/react$/, replacement: testingLibrary },
    ],
  },
});
