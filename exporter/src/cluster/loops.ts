import type { Logger } from 'pino';
import type { ClusterState } from './index.js';
import { announcedUnhealthy } from './announce.js';
import { LeaseLost } from './lease.js';
import { Reachability } from './reachability.js';
import type { CheckerHealth } from './health.js';

/** How often the leader prunes the exchange and the registry. */
const PRUNE_EVERY_MS = 60_000;
/** A replica silent this long leaves the registry (and its up series). */
const FORGET_AFTER_MS = 24 * 3_600_000;

/**
 * The replica's two loops. The beat, every third of a lease: heartbeat, lease renewal or take-over,
 * membership. The exchange, every quarter interval (0.2 to 1 s): send this replica's rounds, read
 * everyone's, decide the rounds that are due, and (leader) announce checker health changes.
 * While PostgreSQL is unreachable both keep running: the replica probes its share, decides from its
 * own rounds, queues the newest round per component, and stops leading once its lease lapses; one
 * line says the database is away and one that it is back.
 */
export class ClusterLoops {
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private running: Promise<unknown>[] = [];
  private readonly db = new Reachability();
  private lastPrune = 0;
  /** What the cluster was last told about each checker; undefined until read at the start of a term. */
  private announced?: Set<string>;

  constructor(private readonly s: ClusterState, private readonly log: Logger) {}

  start(): void {
    const { leaseMs } = this.s.deps.config;
    const tickMs = Math.max(200, Math.min(1_000, this.s.deps.intervalMs / 4));
    this.every(Math.max(300, leaseMs / 3), () => this.beat());
    this.every(tickMs, () => this.tick());
  }

  private every(ms: number, run: () => Promise<void>): void {
    const loop = () => {
      if (this.stopped) return;
      const p = run().finally(() => {
        this.running = this.running.filter((x) => x !== p);
        if (!this.stopped) this.timers.push(setTimeout(loop, ms));
      });
      this.running.push(p);
    };
    this.timers.push(setTimeout(loop, ms));
  }

  async beat(): Promise<void> {
    const s = this.s;
    const since = this.db.begin();
    try {
      await s.registry.heartbeat();
      await s.lease.tick();
      s.members = await s.registry.members(s.deps.config.leaseMs);
      s.reassign(s.members.filter((m) => m.live).map((m) => m.name));
      this.dbUp(since);
    } catch (err) {
      this.dbAway(err);
    }
    s.setLeading(s.lease.isLeader());
    if (s.leading && s.deps.now() - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
  }

  private async tick(): Promise<void> {
    const s = this.s;
    const since = this.db.begin();
    try {
      await s.exchange.flush();
      const now = s.deps.now();
      // Dated by the database's clock: a row written before a restart is as old as it is, not fresh.
      for (const r of await s.exchange.read()) s.merger.add(r, now - r.ageMs);
      this.dbUp(since);
    } catch (err) {
      this.dbAway(err);
    }
    const health = s.decide();
    s.setLeading(s.lease.isLeader());
    if (s.leading) await this.announce(health);
    // A later term reads again what the cluster was told: another leader may have spoken meanwhile.
    else this.announced = undefined;
  }

  /** The leader says once, for the whole cluster, when a checker's results are set aside or trusted again. */
  private async announce(health: CheckerHealth): Promise<void> {
    const s = this.s;
    if (!this.announced) {
      try {
        this.announced = await announcedUnhealthy(s.pool);
      } catch (err) {
        this.dbAway(err);
        return;
      }
    }
    const announced = this.announced;
    const changes = s.live.filter((m) => health.unhealthy.has(m) !== announced.has(m));
    for (const replica of changes) {
      const unhealthy = health.unhealthy.has(replica);
      const score = health.scores.get(replica) ?? { compared: 0, alone: 0 };
      try {
        const said = await s.recordChecker(replica, unhealthy, score);
        if (unhealthy) announced.add(replica);
        else announced.delete(replica);
        if (!said) continue;
        if (unhealthy) {
          this.log.warn({ event: 'checker_unhealthy', checker: replica, alone: score.alone, compared: score.compared },
            `checker unhealthy: replica ${replica} saw ${score.alone} of ${score.compared} shared components fail while their other probers saw them fine; its results are set aside and those components stay as the other probers see them`);
        } else {
          this.log.info({ event: 'checker_healthy', checker: replica }, `checker healthy again: replica ${replica} agrees with the other probers; its results count again`);
        }
      } catch (err) {
        if (!(err instanceof LeaseLost)) this.dbAway(err);
        return;
      }
    }
  }

  private async prune(): Promise<void> {
    const s = this.s;
    this.lastPrune = s.deps.now();
    try {
      const results = await s.exchange.prune(s.live, s.componentNames);
      const replicas = await s.registry.prune(FORGET_AFTER_MS);
      if (results || replicas) this.log.debug({ event: 'cluster_pruned', results, replicas }, 'pruned the results exchange');
    } catch (err) {
      this.dbAway(err);
    }
  }

  private dbAway(err: unknown): void {
    if (!this.db.down()) return;
    this.log.warn({ event: 'cluster_db_unreachable', err: (err as Error).message },
      'PostgreSQL unreachable: this replica keeps probing its share and serving its last view; leader-only work waits for the database');
  }

  /** `since`: what db.begin() said when the successful work began. */
  private dbUp(since: number): void {
    if (!this.db.up(since)) return;
    this.log.info({ event: 'cluster_db_back' }, 'PostgreSQL reachable again');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled(this.running);
  }
}
