/*
 * `cluster:`: several replicas of the same config sharing PostgreSQL (docs/cluster.md). The YAML
 * shape, its check across keys (the lease against the interval) and the typed, frozen form. Apart
 * from schema.ts and load.ts like pages.ts.
 */
import os from 'node:os';
import { z } from 'zod';
import { duration } from './duration.js';
import type { ConfigIssue } from './errors.js';
import type { ClusterConfig } from './types.js';

type PathKey = string | number;
type Where = (p: readonly PathKey[], key?: string) => { line: number; col: number };

/** Replica names: host names (the default) and the component-name alphabet. */
const replicaName = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must match [a-z0-9][a-z0-9.-]* (at most 63 characters)');

/** The lease: renewed every third of it; a replica is a member while it beat within one lease. */
const LEASE = duration(1_000, 300_000);

export const clusterSchema = z.strictObject({
  name: replicaName.optional(),
  location: z.string().regex(/^[a-z0-9_-]{1,63}$/, 'must match [a-z0-9_-]+').default('default'),
  // Probers per component; 2 by default, never more than the live replicas.
  replication: z.number().int().min(1).max(16).optional(),
  lease: LEASE.optional(),
  // No DSN of its own: the replicas share the incident store's PostgreSQL (store: {kind: postgres}).
}).optional();

export type ClusterFile = z.output<typeof clusterSchema>;

/**
 * The replicas meet in the incident store's PostgreSQL: a cluster over SQLite (one file per
 * process) would share nothing, so `cluster:` needs `store: {kind: postgres}`.
 *
 * The lease may be at most 1.5 intervals: a dead leader's lease runs out within it and another
 * replica, trying every third of a lease, takes it within 1.5 + 0.5 = 2 intervals (issue 22:
 * "failover within two intervals").
 */
export function checkCluster(input: unknown, intervalMs: number, ctx: { file: string; where: Where; issues: ConfigIssue[] }): void {
  const doc = input as { cluster?: { lease?: unknown }; store?: { kind?: unknown } } | undefined;
  const c = doc?.cluster;
  if (!c || typeof c !== 'object') return;
  const lease = LEASE.safeParse(c.lease);
  if (c.lease !== undefined && lease.success && lease.data > intervalMs * 1.5) {
    ctx.issues.push({ file: ctx.file, ...ctx.where(['cluster', 'lease']), message: `must be at most 1.5 intervals (${intervalMs * 1.5} ms), so that a new leader takes over within two intervals` });
  }
  if (doc?.store?.kind !== 'postgres') {
    ctx.issues.push({ file: ctx.file, ...ctx.where([], 'cluster'), message: 'needs store: {kind: postgres, dsn: ...}: the replicas share the incident store\'s PostgreSQL (a SQLite store is one file per process)' });
  }
}

export function buildCluster(c: ClusterFile, intervalMs: number): ClusterConfig | undefined {
  if (!c) return undefined;
  return {
    name: c.name ?? os.hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 63),
    location: c.location,
    ...(c.replication !== undefined ? { replication: c.replication } : {}),
    // One interval by default, at least a second: failover then takes 1 to 1.33 intervals.
    leaseMs: c.lease ?? Math.min(300_000, Math.max(1_000, intervalMs)),
  };
}
