// Builds the status page into dist/static: one minified ES module (bundling @statusgraph/core, the
// shared states, layout and formatting), the stylesheet, and the HTML shell.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../dist/static');
fs.mkdirSync(out, { recursive: true });

await build({
  entryPoints: [path.join(here, 'src/main.ts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['es2022', 'chrome111', 'firefox113', 'safari16.2'],
  legalComments: 'none',
  logLevel: 'warning',
});
await build({
  entryPoints: [path.join(here, 'app.css')],
  outfile: path.join(out, 'app.css'),
  minify: true,
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'index.html'), path.join(out, 'index.html'));
for (const f of ['index.html', 'app.js', 'app.css']) {
  process.stdout.write(`dist/static/${f} ${fs.statSync(path.join(out, f)).size} bytes\n`);
}
