/*
 * A replica of a cluster as the composition root sees it (docs/cluster.md): which components it
 * probes, where its rounds go, the agreed rounds coming back, whether it leads, and a fenced write
 * for the work that must happen once.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry as PromRegistry } from 'prom-client';
import type { ClusterConfig } from '../config/types.js';
import type { ProbeResult } from '../engine/round.js';
import type { RoundExchange } from '../engine/monitor.js';
import { assign, DEFAULT_REPLICATION, effectiveReplication, shareOf } from './assign.js';
import { Exchange } from './exchange.js';
import { Lease, type Queryable } from './lease.js';
import { Merger, type Decision } from './merge.js';
import { registerClusterMetrics, type ClusterView } from './metrics.js';
import { Registry, type Member } from './registry.js';
import { ClusterLoops } from './loops.js';
import { recordCheckerEvent } from './announce.js';

export { LeaseLost } from './lease.js';
export type { Decision } from './merge.js';

export interface ComponentShape {
  readonly name: string;
  readonly probes: readonly unknown[];
}

export interface ClusterDeps {
  readonly config: ClusterConfig;
  /** The incident store's PostgreSQL (store.dsn), already migrated: the cluster's tables are its version 5. */
  readonly dsn: string;
  readonly intervalMs: number;
  readonly components: readonly ComponentShape[];
  readonly logger: Logger;
  readonly now: () => number;
}

export interface Cluster extends RoundExchange {
  readonly name: string;
  /** True while this replica holds the lease (believed locally only until the lease could have lapsed). */
  isLeader(): boolean;
  /** The fencing token of the current term while leader. */
  token(): string | undefined;
  /**
   * The fencing check in a transaction of another pool (the incident store's automatic decisions):
   * throws LeaseLost, logged, unless this replica leads under the current token.
   */
  fence(c: Queryable, what: string): Promise<void>;
  /** Runs `write` in a transaction that checks the token; throws LeaseLost (logged) when not leader. */
  fenced<T>(what: string, write: (c: pg.PoolClient, token: string) => Promise<T>): Promise<T>;
  /** Agreed rounds, to apply to the monitor (Monitor.decide). */
  onDecision(listener: (d: Decision) => void): void;
  /** Called with true when this replica becomes leader, false when it stops being it. */
  onLeadership(listener: (leading: boolean) => void): void;
  /** After a reload: the components to assign and merge. */
  setComponents(components: readonly ComponentShape[]): void;
  view(): ClusterView;
  registerMetrics(registry: PromRegistry): void;
  stop(): Promise<void>;
}

/** Connects, joins and starts the loops; the tables come from the store's migrations (run before). */
export async function startCluster(deps: ClusterDeps): Promise<Cluster> {
  const { default: PG } = await import('pg');
  const { config, logger } = deps;
  const pool = new PG.Pool({ connectionString: deps.dsn, max: 4, connectionTimeoutMillis: Math.min(10_000, config.leaseMs), idleTimeoutMillis: 60_000 });
  // An idle connection broken by a database restart is reported here; the next query reconnects.
  pool.on('error', (err) => logger.debug({ event: 'cluster_db_idle_error', err: err.message }, 'idle PostgreSQL connection closed'));
  const log = logger.child({ subsystem: 'cluster', replica: config.name });
  const state = new ClusterState(deps, pool, log);
  const loops = new ClusterLoops(state, log);
  await loops.beat();
  loops.start();
  return {
    name: config.name,
    probes: (c) => state.share.has(c),
    report: (c, results, startedAt) => state.report(c, results, startedAt),
    isLeader: () => state.lease.isLeader(),
    token: () => state.lease.token(),
    fence: async (c, what) => { await state.lease.check(c, what); },
    fenced: (what, write) => state.lease.fenced(what, write),
    onDecision: (l) => { state.decisionListeners.push(l); },
    onLeadership: (l) => { state.leadershipListeners.push(l); },
    setComponents: (cs) => state.setComponents(cs),
    view: () => state.view(),
    registerMetrics: (r) => registerClusterMetrics(r, () => state.view()),
    async stop() {
      await loops.stop();
      await state.leave();
      await pool.end().catch(() => undefined);
    },
  };
}

/** What the loops read and change: membership, assignment, the merger, leadership. */
export class ClusterState {
  readonly lease: Lease;
  readonly registry: Registry;
  readonly exchange: Exchange;
  readonly merger: Merger;
  readonly decisionListeners: ((d: Decision) => void)[] = [];
  readonly leadershipListeners: ((leading: boolean) => void)[] = [];
  members: Member[] = [];
  live: string[] = [];
  share = new Set<string>();
  assigned = new Map<string, number>();
  private assignment = new Map<string, readonly string[]>();
  private probeCounts = new Map<string, number>();
  leading = false;
  private readonly startedAt: number;

  constructor(readonly deps: ClusterDeps, readonly pool: pg.Pool, readonly log: Logger) {
    this.startedAt = deps.now();
    const { config, intervalMs } = deps;
    this.lease = new Lease({ pool, name: config.name, ttlMs: config.leaseMs, logger: log, monotonic: () => performance.now() });
    this.registry = new Registry(pool, config.name, config.location);
    this.exchange = new Exchange(pool, config.name);
    this.merger = new Merger({ freshMs: 2 * intervalMs, graceMs: intervalMs / 2, healthEveryMs: intervalMs / 4 });
    this.probeCounts = new Map(deps.components.map((c) => [c.name, c.probes.length]));
  }

  get name(): string {
    return this.deps.config.name;
  }

  report(component: string, results: readonly ProbeResult[], startedAt: number): void {
    const r = { component, replica: this.name, at: this.deps.now(), startedAt, results };
    this.merger.add(r, this.deps.now());
    this.exchange.enqueue(r);
  }

  setComponents(cs: readonly ComponentShape[]): void {
    this.probeCounts = new Map(cs.map((c) => [c.name, c.probes.length]));
    this.reassign(this.live, true);
  }

  /** Recomputes the assignment when the live members (or the components) changed. */
  reassign(live: readonly string[], force = false): void {
    // This replica always counts itself: a replica cut off from the database keeps probing its share.
    const next = [...new Set([...live, this.name])].sort();
    if (!force && next.join('\n') === this.live.join('\n')) return;
    const before = this.share.size;
    this.live = next;
    this.assignment = assign([...this.probeCounts.keys()], next, effectiveReplication(this.deps.config.replication, next.length));
    this.share = shareOf(this.name, this.assignment);
    this.assigned = new Map(next.map((m) => [m, 0]));
    for (const ps of this.assignment.values()) for (const p of ps) this.assigned.set(p, (this.assigned.get(p) ?? 0) + 1);
    this.log.info({ event: 'cluster_members', members: next, share: this.share.size, before }, `replicas ${next.join(', ')}: ${this.name} probes ${this.share.size} of ${this.probeCounts.size} components`);
  }

  /** Decides the rounds that are due and hands them to the listeners. */
  decide(): ReturnType<Merger['due']>['health'] {
    const now = this.deps.now();
    // One lease to see every replica started with this one, one interval for their first rounds.
    const warming = now - this.startedAt < this.deps.config.leaseMs + this.deps.intervalMs;
    const { decisions, health } = this.merger.due(now, {
      members: this.live,
      probersOf: (c) => this.assignment.get(c) ?? [],
      probes: (c) => this.probeCounts.get(c),
      minExpected: warming ? this.deps.config.replication ?? DEFAULT_REPLICATION : 0,
    });
    for (const d of decisions) for (const l of this.decisionListeners) l(d);
    return health;
  }

  /** Records a checker's change under the lease; whether it was new (to be said). */
  recordChecker(replica: string, unhealthy: boolean, detail: object): Promise<boolean> {
    return this.lease.fenced(`the checker health of ${replica}`, (c, token) =>
      recordCheckerEvent(c, token, this.name, replica, unhealthy ? 'checker_unhealthy' : 'checker_healthy', detail));
  }

  setLeading(now: boolean): void {
    if (now === this.leading) return;
    this.leading = now;
    for (const l of this.leadershipListeners) l(now);
  }

  get componentNames(): string[] {
    return [...this.probeCounts.keys()];
  }

  /** The registry as last read; this replica is always live in its own view (even cut off from the database). */
  view(): ClusterView {
    const self = this.members.some((m) => m.name === this.name) ? [] : [{ name: this.name, location: this.deps.config.location, live: true }];
    return {
      self: this.name,
      leader: this.lease.isLeader(),
      members: [...this.members.map((m) => ({ name: m.name, location: m.location, live: m.live || m.name === this.name })), ...self],
      unhealthy: this.merger.setAside,
      assigned: this.assigned,
    };
  }

  async leave(): Promise<void> {
    await this.exchange.flush().catch(() => undefined);
    await this.lease.release().catch(() => undefined);
    await this.registry.leave().catch(() => undefined);
  }
}
