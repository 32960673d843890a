/*
 * Runs the benchmarks in sequence, each in its own process (so one's memory and servers never
 * touch the next one's figures). Build the exporter first: the benchmarks run the built CLI.
 *
 *   npm run build -w exporter
 *   npx tsx bench/run.ts                 # scale, detect, datastores, render, history, page with their defaults
 *   npx tsx bench/run.ts scale detect    # a selection
 *
 * Each script prints one JSON line per result and writes bench/results/<name>-<time>.json; see
 * bench/README.md for what each figure means.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ALL = ['scale', 'detect', 'datastores', 'render', 'history', 'page'] as const;
const chosen = process.argv.slice(2);
const unknown = chosen.filter((c) => !(ALL as readonly string[]).includes(c));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${ALL.join(', ')}\n`);
  process.exit(2);
}
let failed = false;
for (const name of chosen.length ? chosen : ALL) {
  process.stderr.write(`\n== ${name} ==\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`${name} failed (${r.status ?? r.signal})\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
