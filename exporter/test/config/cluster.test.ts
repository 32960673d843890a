import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfig(text, 'sg.yml', { env, probeKinds: PROBE_KINDS });

function issuesOf(text: string): string[] {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('config was accepted');
}

const cfg = (cluster: string) => `interval: 10s
timeout: 2s
${cluster}
components:
  - name: api
    tier: service
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
`;

describe('cluster:', () => {
  it('reads name, location, replication, lease and a DSN from the environment, the DSN redacted', () => {
    const c = parse(cfg('cluster:\n  name: eu-1\n  location: eu-west\n  replication: 3\n  lease: 8s\n  dsn: ${PG_DSN}'), { PG_DSN: 'postgres://sg:hunter2-long@db:5432/sg' });
    expect(c.cluster).toEqual({ name: 'eu-1', location: 'eu-west', replication: 3, leaseMs: 8_000, dsn: 'postgres://sg:hunter2-long@db:5432/sg' });
    expect(c.secrets).toContain('postgres://sg:hunter2-long@db:5432/sg');
    expect(Object.isFrozen(c.cluster)).toBe(true);
  });

  it('defaults the lease to one interval and the name to the host name', () => {
    const c = parse(cfg('cluster:\n  dsn: postgres://db/sg'));
    expect(c.cluster!.leaseMs).toBe(10_000);
    expect(c.cluster!.name).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
    expect(c.cluster!.location).toBe('default');
    expect(c.cluster!.replication).toBeUndefined();
    expect(parse(cfg('')).cluster).toBeUndefined();
  });

  it('refuses a lease longer than 1.5 intervals and a missing DSN, at their line and column', () => {
    expect(issuesOf(cfg('cluster:\n  lease: 16s\n  dsn: postgres://db/sg'))).toEqual([
      'sg.yml:4:10: must be at most 1.5 intervals (15000 ms), so that a new leader takes over within two intervals',
    ]);
    expect(issuesOf(cfg('cluster:\n  name: eu-1'))[0]).toMatch(/^sg\.yml:3:1: needs dsn/);
    expect(issuesOf(cfg('cluster:\n  name: EU_1\n  dsn: postgres://db/sg'))[0]).toMatch(/^sg\.yml:4:9: .*must match/);
  });
});
