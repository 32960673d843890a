import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { createLogger, Redaction } from '../../src/log.js';

const COMPONENTS = 'components:\n  - { name: api, tier: service, probes: [{ kind: http, url: "http://127.0.0.1:1" }] }\n';
const parse = (text: string, env: Record<string, string> = {}) => parseConfig(text + COMPONENTS, 'sg.yml', { env, probeKinds: PROBE_KINDS });
const problems = (text: string, env: Record<string, string> = {}): string => {
  try {
    parse(text, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

const DSN = 'postgres://statusgraph:s3cr3t-Pa55@db.internal:5432/statusgraph';

describe('store: the incident store is one config key', () => {
  it('is SQLite under data_dir when absent', () => {
    expect(parse('').store).toEqual({ kind: 'sqlite' });
    expect(parse('store: { kind: sqlite }\n').store).toEqual({ kind: 'sqlite' });
  });

  it('is PostgreSQL with a DSN from the environment or a file, both kept as secrets', () => {
    const fromEnv = parse('store:\n  kind: postgres\n  dsn: ${PG_DSN}\n', { PG_DSN: DSN });
    expect(fromEnv.store).toEqual({ kind: 'postgres', dsn: DSN, poolSize: 5 });
    expect(fromEnv.secrets).toEqual(expect.arrayContaining([DSN, 's3cr3t-Pa55']));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-dsn-'));
    try {
      fs.writeFileSync(path.join(dir, 'dsn'), `${DSN}\n`);
      const fromFile = parse(`store:\n  kind: postgres\n  dsn: \${file:${path.join(dir, 'dsn')}}\n  pool_size: 3\n`);
      expect(fromFile.store).toEqual({ kind: 'postgres', dsn: DSN, poolSize: 3 });
      expect(fromFile.secrets).toContain('s3cr3t-Pa55');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('names FILE:LINE:COL for a wrong kind, a missing or wrong DSN and an unknown key, never quoting the DSN', () => {
    expect(problems('store:\n  kind: mongo\n')).toMatch(/^sg\.yml:2:9: store\.kind: /);
    expect(problems('store:\n  kind: postgres\n')).toMatch(/^sg\.yml:2:3: store\.dsn: required key is missing$/m);
    const wrong = problems('store:\n  kind: postgres\n  dsn: mysql://statusgraph:s3cr3t-Pa55@db/x\n');
    expect(wrong).toMatch(/^sg\.yml:3:8: store\.dsn: must be a postgres:\/\/ or postgresql:\/\/ URL$/m);
    expect(wrong).not.toContain('s3cr3t');
    expect(problems('store:\n  kind: postgres\n  dsn: ${PG_DSN}\n  dns: x\n', { PG_DSN: DSN })).toMatch(/^sg\.yml:4:\d+: .*dns/m);
    expect(problems('store:\n  kind: postgres\n  dsn: ${PG_DSN}\n')).toMatch(/^sg\.yml:3:8: .*PG_DSN/m);
  });

  it('never reaches a log line: the DSN and its password are masked wherever they appear', () => {
    const config = parse('store:\n  kind: postgres\n  dsn: ${PG_DSN}\n', { PG_DSN: DSN });
    const redaction = new Redaction();
    redaction.set(config.secrets);
    const lines: string[] = [];
    const logger = createLogger(redaction, { destination: { write: (s: string) => { lines.push(s); } } });
    logger.error({ err: `connect to ${DSN} failed`, pw: 's3cr3t-Pa55' }, `store ${config.store?.kind === 'postgres' ? config.store.dsn : ''}`);
    expect(lines.join('')).not.toContain('s3cr3t');
    expect(lines.join('')).not.toContain('db.internal:5432/statusgraph');
  });
});
