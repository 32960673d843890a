/*
 * Config loading time against file size (issue 14): a valid config (the light js-yaml path) and
 * the same file with one error at its end (the `yaml` path with positions, which a reload of a
 * wrong file takes), each loaded with loadConfigFile as `run`, reload and check-config do.
 *
 *   npm run build -w exporter
 *   npx tsx bench/config-load.ts [--sizes 1,2,4,10,50] [--repeat 3]
 *
 * Sizes are in MB of YAML in the benchmark's shape (~110 bytes per HTTP component; 10,000
 * components are 1.1 MB). Files over the loader's cap (MAX_CONFIG_BYTES, 4 MiB) must be refused
 * before they are read: their time is the refusal's. Prints one JSON line per size with the best
 * of `repeat` runs and ms per MB, and writes bench/results/config-load-<time>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../exporter/dist/config/load.js';
import { ConfigError } from '../exporter/dist/config/errors.js';
import { MAX_CONFIG_BYTES } from '../exporter/dist/config/limits.js';
import { PROBE_KINDS } from '../exporter/dist/probes/registry.js';
import { statusgraphHttpConfig } from './lib/configs.js';
import { round } from './lib/stats.js';
import { writeResults } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,2,4,10,50' },
    repeat: { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});
const sizes = args.sizes.split(',').map(Number);
const repeat = Number(args.repeat);
if (sizes.some((s) => !(s > 0)) || !(repeat >= 1)) throw new Error('--sizes must be positive numbers of MB, --repeat at least 1');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-config-load-'));
const opts = { env: {}, probeKinds: PROBE_KINDS };

/** A config of about `mb` MB: n components, n from the size of one. */
function configOf(mb: number): string {
  const one = statusgraphHttpConfig({ n: 2, origin: 'http://127.0.0.1:8080', prefix: '/sg/', intervalSeconds: 30 });
  const perComponent = (one.length - statusgraphHttpConfig({ n: 1, origin: 'http://127.0.0.1:8080', prefix: '/sg/', intervalSeconds: 30 }).length);
  return statusgraphHttpConfig({ n: Math.max(1, Math.round((mb * 1e6) / perComponent)), origin: 'http://127.0.0.1:8080', prefix: '/sg/', intervalSeconds: 30 });
}

/** Best wall time of `repeat` loads, and how the last one ended. */
function timeLoad(file: string): { ms: number; outcome: string } {
  let best = Infinity;
  let outcome = '';
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    try {
      const c = loadConfigFile(file, opts);
      outcome = `ok, ${c.components.length} components`;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      outcome = e.issues[0]!.message;
    }
    best = Math.min(best, performance.now() - start);
  }
  return { ms: round(best, 1), outcome };
}

const results = [];
try {
  for (const mb of sizes) {
    const text = configOf(mb);
    const bytes = Buffer.byteLength(text);
    const valid = path.join(dir, `valid-${mb}.yml`);
    const wrong = path.join(dir, `wrong-${mb}.yml`);
    fs.writeFileSync(valid, text);
    // One error at the very end: the full parse must read everything to find it.
    fs.writeFileSync(wrong, text.replace(/tier: service\n(?![\s\S]*tier: service)/, 'tier: servce\n'));
    const v = timeLoad(valid);
    const w = timeLoad(wrong);
    const refused = bytes > MAX_CONFIG_BYTES;
    const r = {
      mb: round(bytes / 1e6, 2), refused,
      validMs: v.ms, validMsPerMb: round(v.ms / (bytes / 1e6), 1), valid: v.outcome,
      wrongMs: w.ms, wrongMsPerMb: round(w.ms / (bytes / 1e6), 1), wrong: w.outcome,
    };
    console.log(JSON.stringify(r));
    results.push(r);
    fs.rmSync(valid);
    fs.rmSync(wrong);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
writeResults(args.out, 'config-load', { sizes, repeat, capBytes: MAX_CONFIG_BYTES, results });
