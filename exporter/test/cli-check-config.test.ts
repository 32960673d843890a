import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'exporter/dist/cli.js');

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('statusgraph check-config', () => {
  it('accepts the 14-component reference topology (exit 0)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ref-'));
    const tokens = path.join(dir, 'tokens');
    fs.writeFileSync(tokens, 'reference-token-1\n');
    const text = fs.readFileSync(path.join(root, 'examples/reference.yml'), 'utf8').replace('/run/secrets/statusgraph-tokens', tokens);
    const file = path.join(dir, 'reference.yml');
    fs.writeFileSync(file, text);
    const r = run(['check-config', file], {
      PG_PRIMARY_DSN: 'postgresql://statusgraph:pw-primary@pg1:5432/postgres',
      PG_REPLICA_DSN: 'postgresql://statusgraph:pw-replica@pg2:5432/postgres',
      REDIS_URL: 'redis://:pw-redis@redis-cache:6379',
      RABBITMQ_URL: 'amqp://statusgraph:pw-rabbit@rabbitmq:5672/',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${file}: OK, 14 components, 15 probes\n`);
    expect(r.status).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });

  it('lists every error as FILE:LINE:COL: message and exits 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bad-'));
    const file = path.join(dir, 'bad.yml');
    fs.writeFileSync(file, 'interval: 1s\ntimeout: 2s\ncomponents:\n  - name: a\n    tier: service\n    depends_on: [ghost]\n    probes: [{ kind: tcp, address: nowhere }]\n');
    const r = run(['check-config', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}:2:10: timeout (2000ms) must be below interval (1000ms)`,
      `${file}:6:18: components.0.depends_on: unknown component "ghost"`,
      `${file}:7:36: components.0.probes.0.address: must be HOST:PORT`,
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it('exits 1 with a message for a missing file', () => {
    const r = run(['check-config', '/nonexistent/statusgraph.yml']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('/nonexistent/statusgraph.yml:1:1: cannot read the config: no such file (ENOENT)\n');
  });
});
