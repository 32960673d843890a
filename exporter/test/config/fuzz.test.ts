/*
 * Property-based test of the config loader (issue 14, acceptance 1): random YAML, random
 * structures shaped like examples/reference.yml, and mutations of the reference text itself. For
 * every input the loader either returns a config or throws a ConfigError whose every line is
 * FILE:LINE:COL: message — never another exception (a stack trace at the CLI).
 *
 * CI runs FUZZ_RUNS cases per property (default 200); `FUZZ_RUNS=20000 npx vitest run
 * exporter/test/config/fuzz.test.ts` runs longer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const reference = fs.readFileSync(path.join(root, 'examples/reference.yml'), 'utf8');
const runs = Number(process.env.FUZZ_RUNS ?? 200);
const env = { PG_PRIMARY_DSN: 'postgresql://u:pw@h:5432/db', PG_REPLICA_DSN: 'postgresql://u:pw@h:5433/db', REDIS_URL: 'redis://:pw@h:6379', RABBITMQ_URL: 'amqp://u:pw@h:5672/' };
const LINE = /^sg\.yml:\d+:\d+: \S/;

/** The property: a Config, or a ConfigError of positioned lines. Anything else fails the run. */
function loadsOrExplains(text: string): void {
  try {
    parseConfig(text, 'sg.yml', { env, probeKinds: PROBE_KINDS });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const line of e.message.split('\n')) {
      if (!LINE.test(line)) throw new Error(`not FILE:LINE:COL: ${JSON.stringify(line)}`);
    }
  }
}

/** Pieces YAML is made of, so that random texts reach past the first syntax error. */
const TOKENS = ['\n', '  ', '- ', ': ', '? ', '&a ', '*a', '!!str ', '"', "'", '[', ']', '{', '}', ',', '#', '|', '>', '---\n', '...\n',
  '${X}', '${file:/dev/zero}', '$${', 'components', 'name', 'probes', 'kind', 'http', 'tcp', 'url', 'depends_on', 'interval', 'timeout',
  'tokens', 'signing_secret', '30s', '0.001ms', '25d', '99999', '127.0.0.1:9470', 'http://u:p@h/', 'null', '~', 'true', '1e3', '0x1F', '\t', '\r\n'];

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(...TOKENS));
const component = fc.record({
  name: fc.oneof(fc.constantFrom('api', 'db', 'cache', 'API', ''), fc.string()),
  tier: fc.oneof(fc.constantFrom('service', 'infrastructure', 'third-party'), scalar),
  depends_on: fc.oneof(fc.array(fc.constantFrom('api', 'db', 'cache', 'ghost')), scalar),
  probes: fc.array(fc.record({
    kind: fc.oneof(fc.constantFrom(...PROBE_KINDS.keys()), scalar),
    url: fc.oneof(fc.webUrl(), scalar),
    address: fc.oneof(fc.constantFrom('127.0.0.1:1', 'h:99999', 'nowhere'), scalar),
    timeout: fc.oneof(fc.constantFrom('1s', '0ms', '25d'), scalar),
    headers: fc.dictionary(fc.string(), fc.oneof(fc.string(), scalar)),
  }, { requiredKeys: ['kind'] }), { maxLength: 3 }),
}, { requiredKeys: ['name'] });
const structure = fc.record({
  interval: fc.oneof(fc.constantFrom('30s', '1s', '0.001ms', '25d'), scalar),
  timeout: fc.oneof(fc.constantFrom('10s', '500ms'), scalar),
  listen: fc.oneof(fc.constantFrom('127.0.0.1:9470', ':0', '[::1]:80', '127.0.0.1:99999'), scalar),
  auth: fc.record({ tokens: fc.oneof(fc.array(fc.string()), scalar), allow: fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())) }),
  slack: fc.record({ signing_secret: scalar, webhook_url: fc.oneof(fc.webUrl(), scalar) }),
  components: fc.array(component, { maxLength: 4 }),
}, { requiredKeys: [] });

describe('config loader fuzz (no crash; every failure FILE:LINE:COL)', () => {
  it('random text built from YAML pieces', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 80 }), (parts) => loadsOrExplains(parts.join(''))), { numRuns: runs });
  });

  it('random structures shaped like the reference config', () => {
    fc.assert(fc.property(structure, (s) => loadsOrExplains(stringify(s))), { numRuns: runs });
  });

  it('the reference config with random edits (deleted, inserted, duplicated spans)', () => {
    const edit = fc.record({ at: fc.nat(reference.length), len: fc.nat(40), insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 10 })), dup: fc.boolean() });
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
      let text = reference;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = e.dup ? text.slice(0, at) + text.slice(at, at + e.len).repeat(3) + text.slice(at) : text.slice(0, at) + e.insert + text.slice(at + e.len);
      }
      loadsOrExplains(text);
    }), { numRuns: runs });
  });

  it('deep nesting and many aliases, generated', () => {
    fc.assert(fc.property(fc.nat(300), fc.nat(40), fc.constantFrom('[', '{a: ', '- ', 'a:\n'), (depth, aliases, open) => {
      const nest = open === 'a:\n' ? Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:\n`).join('') : open.repeat(depth);
      const alias = `x: &x [1, 2]\n${Array.from({ length: aliases }, (_, i) => `y${i}: [*x, *x, *x]`).join('\n')}\n`;
      loadsOrExplains(`${alias}z: ${nest}\n${reference}`);
    }), { numRuns: Math.max(20, runs / 4) });
  });
});
