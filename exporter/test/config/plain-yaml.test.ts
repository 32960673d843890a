/*
 * The config loader reads valid configs with js-yaml (light) and anything else with `yaml` (with
 * positions). These tests hold the light path to the full one: whatever it accepts, it must read
 * exactly as `yaml` does, and what it cannot promise that for, it must hand over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse, parseDocument } from 'yaml';
import { parseConfig, parseWithPositions } from '../../src/config/load.js';
import { readPlainYaml } from '../../src/config/plain-yaml.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Plain scalars whose resolution differs between YAML 1.1, js-yaml's defaults and YAML 1.2 core. */
const SCALARS = [
  '', '~', 'null', 'Null', 'NULL', 'nUll', 'none',
  'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
  '0', '-0', '+0', '12', '+12', '-12', '012', '0o17', '0o8', '0O17', '0x1F', '0x1f', '0X1F', '0x', '0o', '0b101', '1_000', '1,000',
  '9007199254740993', '0x7fffffffffffffffff', '1:30', '190:20:30',
  '1.5', '1.', '.5', '-.5', '+.5', '1e3', '1E-3', '1e+3', '.5e3', '1.e3', '1e', 'e3', '.', '-', '+', '1.2.3', '1_0.5', '6.8523015e+5',
  '.inf', '.Inf', '.INF', '-.inf', '+.inf', '.iNf', '.nan', '.NaN', '.NAN', '-.nan', 'nan', 'inf',
  '2024-01-01', '2024-01-01T00:00:00Z', '2001-12-14 21:59:43.10 -5', '12:30:00',
  '30s', '1h30m', '500ms', 'http://127.0.0.1:8080/health?a=1&b=2', 'a # not a comment?', '<<', '=', '!', '&', '*',
];

const ERROR = Symbol('yaml error');

/** What the config loader's full path reads (errors, not warnings, reject a config). */
function fullOrError(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) return ERROR;
  try {
    return doc.toJS();
  } catch {
    return ERROR; // an alias without its anchor
  }
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function same(a: unknown, b: unknown): void {
  // toStrictEqual treats NaN as equal to NaN and tells -0 from 0, as the config must.
  expect(a).toStrictEqual(b);
}

describe('plain YAML reader', () => {
  it.each(SCALARS)('resolves the plain scalar %j as yaml 2 does (YAML 1.2 core schema), as a value and as a key', (s) => {
    for (const text of [`v: ${s}\n`, `list: [${s}]\n`, `${s}: v\n`, `- ${s}\n`]) {
      const full = fullOrError(text);
      const light = readPlainYaml(text);
      if (full === ERROR) expect(light, text).toBeUndefined();
      else if (light !== undefined) same(light, full);
    }
    // As a value, a plain scalar that is not a node property never needs the full parser.
    if (!/^[&*!-]$/.test(s)) expect(readPlainYaml(`v: ${s}\n`)).toStrictEqual(yamlParse(`v: ${s}\n`));
  });

  it('agrees with yaml 2 on 20,000 generated documents: the same data, or handed over', () => {
    const rand = mulberry32(20261121);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const KEYS = ['a', 'b', 'name', '1', '01', 'true', 'null', '~', '"q"', "'s'", '"a:b"', '0x1', '1.0', '.inf', '[x, y]', '{k: v}', '? e', '-k', 'k k', 'k#x', '""', 'a b:c', '-', ''];
    const LEAVES = [...SCALARS, 'a: b', '- x', '? x', ':x', 'a:b', 'a #b', '"x"', "'y'", '"multi\n  line"', "'multi\n\n  line'",
      '[1, two, "3"]', '{p: 1, q: [a]}', '[]', '{}', '[a, [b, {c: d}]]', '{a: [1, 2], b: {c: }}', '[a: 1]', '[ , ]', '{a}',
      '|\n  block\n  text', '>-\n  folded\n\n  more', '|+\n  keep\n\n', '|2\n   indented', 'plain\n  continued', '# only a comment',
      'x # trailing', "'it''s'", '"\\t\\u00e9"', '"a\\\n  b"', '- - x', '- - ', '-\n  - y', '\n  - p\n  - q', '\n  k: v\n  l: w', '\n- p\n- q',
      '&a 1', '*a', '!!str 1', '...', '---', '%x', '@x', '`x'];
    const gen = (depth: number, indent: string): string => {
      const lines: string[] = [];
      const seq = rand() < 0.4;
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) {
        const head = seq ? `${indent}- ` : `${indent}${pick(KEYS)}:`;
        const r = rand();
        if (depth > 0 && r < 0.3) lines.push(head.trimEnd(), gen(depth - 1, `${indent}${pick(['  ', ' ', '    ', ''])}`));
        else if (depth > 0 && seq && r < 0.45) lines.push(`${head}${gen(depth - 1, `${indent}  `).trimStart()}`);
        else lines.push(`${head}${seq ? '' : ' '}${pick(LEAVES).replace(/\n/g, `\n${indent}`)}`);
      }
      return lines.join('\n');
    };
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = `${gen(3, '')}\n`;
      const full = fullOrError(text);
      const light = readPlainYaml(text);
      if (full === ERROR) {
        rejected++;
        expect(light, text).toBeUndefined();
      } else if (light !== undefined) {
        accepted++;
        expect(light, text).toStrictEqual(full);
      }
    }
    // Not vacuous: many documents take the light path, and many are errors it must hand over.
    expect(accepted).toBeGreaterThan(3_000);
    expect(rejected).toBeGreaterThan(3_000);
  });

  it('reads quoted, block and folded scalars, flow collections and keys as yaml 2 does', () => {
    const text = [
      'a: "1"', "b: 'true'", 'c: "tab\\there \\u00e9 \\x41"', "d: 'it''s'",
      'e: |\n  line 1\n  line 2\n', 'f: >\n  folded\n  text\n\n  para\n', 'g: |-\n  strip\n', 'h: >+\n  keep\n\n',
      'i: [1, "2", three, {x: 4}]', 'j: {k: v, n: null}', '1: numeric key', 'true: bool key',
      'k: plain scalar\n  continued on the next line', '"quoted key": 5', 'l:\n  - - nested\n    - seq', 'm: a#b', 'o: x # comment',
    ].join('\n') + '\n';
    const light = readPlainYaml(text);
    expect(light).not.toBeUndefined();
    same(light, yamlParse(text));
  });

  it('reads every committed example config as yaml 2 does, without handing it over', () => {
    for (const f of ['examples/reference.yml', 'examples/compose/statusgraph.yml']) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      const light = readPlainYaml(text);
      expect(light, f).not.toBeUndefined();
      same(light, yamlParse(text));
    }
  });

  it.each([
    ['an anchor and its alias', 'a: &x [1, 2]\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a custom tag', 'a: !secret x\n'],
    ['a flow anchor', 'a: [&x 1, *x]\n'],
    ['a JSON-like key followed by an anchor', '{"a":&x 1, "b": *x}\n'],
    ['a YAML 1.1 directive, which turns yes into true', '%YAML 1.1\n---\na: yes\n'],
  ])('hands %s over to the full parser', (_what, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  it.each([
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab used for indentation', 'a:\n\t- 1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['an unclosed flow sequence', 'a: [1, 2\n'],
    ['a bad indentation', 'a:\n  b: 1\n c: 2\n'],
  ])('hands %s over to the full parser, which reports it', (_what, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  it('does not read `*`, `&` or `!` inside a value as node properties when they cannot be', () => {
    const text = 'daily: "0 9 * * *"\nweekly: 0 9 * * 1\nurl: http://x/?a=1&b=2\nbody: ok!\n';
    expect(readPlainYaml(text)).toStrictEqual(yamlParse(text));
  });
});

describe('config loader: light and full paths agree', () => {
  const opts = (env: Record<string, string> = {}) => ({ env, probeKinds: PROBE_KINDS });

  it('gives the same frozen Config, secrets included, for the reference topology', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-plain-'));
    try {
      const tokens = path.join(dir, 'tokens');
      fs.writeFileSync(tokens, 'token-one\ntoken-two\n');
      const text = fs.readFileSync(path.join(root, 'examples/reference.yml'), 'utf8').replace('/run/secrets/statusgraph-tokens', tokens);
      const env = {
        PG_PRIMARY_DSN: 'postgres://app:pg-secret@db:5432/app', PG_REPLICA_DSN: 'postgres://app:pg-secret@replica:5432/app',
        REDIS_URL: 'redis://:redis-secret@cache:6379', RABBITMQ_URL: 'amqp://app:mq-secret@mq:5672',
      };
      const light = parseConfig(text, 'ref.yml', opts(env));
      same(light, parseWithPositions(text, 'ref.yml', opts(env)));
      expect(light.secrets).toEqual(expect.arrayContaining(['token-one', 'token-two', 'pg-secret', 'redis-secret', 'mq-secret']));
      expect(Object.isFrozen(light.components[0]!.probes[0])).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('interpolates, and collects secrets, the same way', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-plain-'));
    try {
      const hook = path.join(dir, 'hook');
      fs.writeFileSync(hook, 'https://hooks.slack.test/services/T0/B0/hook-secret\n');
      const text = `auth:
  tokens: ["\${TOKEN}"]
slack:
  webhook_url: \${file:${hook}}
components:
  - name: db
    tier: infrastructure
    probes:
      - kind: postgres
        dsn: postgres://app:\${PGPW}@127.0.0.1:5432/app
  - name: api
    tier: service
    depends_on: [db]
    probes:
      - kind: http
        url: http://127.0.0.1:8080/health
        expect:
          body_contains: "literal $\${NOT_A_REF}"
`;
      const env = { TOKEN: 'tok-1', PGPW: 'pg-pass' };
      const light = parseConfig(text, 'i.yml', opts(env));
      same(light, parseWithPositions(text, 'i.yml', opts(env)));
      expect(light.secrets).toEqual(expect.arrayContaining(['tok-1', 'pg-pass', 'https://hooks.slack.test/services/T0/B0/hook-secret']));
      expect(light.slack?.webhookUrl).toBe('https://hooks.slack.test/services/T0/B0/hook-secret');
      expect(light.components[1]!.probes[0]).toMatchObject({ expect: { body_contains: 'literal ${NOT_A_REF}' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same Config for a 2,000-component generated config', () => {
    const lines = ['interval: 30s', 'timeout: 5s', 'components:'];
    for (let i = 0; i < 2000; i++) {
      lines.push(`  - name: c${i}`, '    tier: service', `    depends_on: [${i > 0 ? `c${i - 1}` : ''}]`, '    probes:', '      - kind: http', `        url: http://127.0.0.1:8080/c${i}`, '        expect: { status: [200, 204] }');
    }
    const text = `${lines.join('\n')}\n`;
    same(parseConfig(text, 'g.yml', opts()), parseWithPositions(text, 'g.yml', opts()));
  });

  it('reports a wrong config with the full parser\'s positions, whichever path saw it first', () => {
    const text = 'components:\n  - name: api\n    tier: service\n    probes:\n      - kind: http\n        url: http://127.0.0.1/\n        colour: red\n';
    const err = (() => { try { parseConfig(text, 'w.yml', opts()); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('w.yml:7:9: unknown key "colour" in components.0.probes.0');
  });

  it('reads a config whose anchors the light path hands over', () => {
    const text = 'x-http: &probe\n  kind: http\n  url: http://127.0.0.1:8080/\ncomponents:\n  - name: api\n    tier: service\n    probes: [*probe]\n';
    // `x-http` is not a config key: the full parser reports it with its position.
    expect(() => parseConfig(text, 'a.yml', opts())).toThrow('a.yml:1:1: unknown key "x-http"');
  });
});
