/*
 * Writes the dashboards defined in code to json/, where Grafana's file provider reads them.
 * `--check` writes nothing and exits 1 when a checked-in file differs from its generator.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, render } from './dashboards.js';

const JSON_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../json');
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, build] of Object.entries(DASHBOARDS)) {
  const target = path.join(JSON_DIR, file);
  const text = render(build());
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    stale++;
    console.error(`${path.relative(process.cwd(), target)} differs from its generator: run npm run build`);
  } else {
    fs.writeFileSync(target, text);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
}
process.exitCode = stale ? 1 : 0;
