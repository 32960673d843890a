import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { issuesOf as issuesOfConfig } from './support.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfig(text, 'sg.yml', { env, probeKinds: PROBE_KINDS });

const issuesOf = (text: string): string[] => issuesOfConfig(parse, text);

const cfg = (cluster: string) => `interval: 10s
timeout: 2s
${cluster}
components:
  - name: api
    tier: service
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
`;

describe('cluster:', () => {
  it('reads name, location, replication and lease; the replicas share the store\'s DSN, redacted', () => {
    const c = parse(cfg('store: { kind: postgres, dsn: "${PG_DSN}" }\ncluster:\n  name: eu-1\n  location: eu-west\n  replication: 3\n  lease: 8s'), { PG_DSN: 'postgres://sg:hunter2-long@db:5432/sg' });
    expect(c.cluster).toEqual({ name: 'eu-1', location: 'eu-west', replication: 3, leaseMs: 8_000 });
    expect(c.store).toEqual({ kind: 'postgres', dsn: 'postgres://sg:hunter2-long@db:5432/sg', poolSize: 5 });
    expect(c.secrets).toContain('postgres://sg:hunter2-long@db:5432/sg');
    expect(Object.isFrozen(c.cluster)).toBe(true);
  });

  it('defaults the lease to one interval and the name to the host name', () => {
    const c = parse(cfg('store: { kind: postgres, dsn: "postgres://db/sg" }\ncluster: {}'));
    expect(c.cluster!.leaseMs).toBe(10_000);
    expect(c.cluster!.name).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
    expect(c.cluster!.location).toBe('default');
    expect(c.cluster!.replication).toBeUndefined();
    expect(parse(cfg('')).cluster).toBeUndefined();
  });

  it('refuses a lease longer than 1.5 intervals, a cluster over SQLite and a DSN of its own, at their line and column', () => {
    const pgStore = 'store: { kind: postgres, dsn: "postgres://db/sg" }\n';
    expect(issuesOf(cfg(`${pgStore}cluster:\n  lease: 16s`))).toEqual([
      'sg.yml:5:10: must be at most 1.5 intervals (15000 ms), so that a new leader takes over within two intervals',
    ]);
    expect(issuesOf(cfg('cluster:\n  name: eu-1'))).toEqual([
      'sg.yml:3:1: needs store: {kind: postgres, dsn: ...}: the replicas share the incident store\'s PostgreSQL (a SQLite store is one file per process)',
    ]);
    expect(issuesOf(cfg('store: { kind: sqlite }\ncluster:\n  name: eu-1'))[0]).toMatch(/^sg\.yml:4:1: needs store: \{kind: postgres/);
    expect(issuesOf(cfg(`${pgStore}cluster:\n  name: EU_1`))[0]).toMatch(/^sg\.yml:5:9: .*must match/);
    expect(issuesOf(cfg(`${pgStore}cluster:\n  dsn: postgres://other/sg`))[0]).toMatch(/^sg\.yml:5:3: .*dsn/);
  });
});
