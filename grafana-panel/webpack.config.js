// The scaffold's extension point: change the exported config here rather than in .config/. The
// build config itself is TypeScript, in .config/webpack/webpack.config.ts where @grafana/create-plugin
// keeps it; the scaffold loads it through ts-node, this panel through tsx's loader (a devDependency
// of the workspace), registered here so that `webpack -c ./webpack.config.js` needs no flag.
import { register } from 'tsx/esm/api';

register();
const { default: config } = await import('./.config/webpack/webpack.config.ts');
export default config;
