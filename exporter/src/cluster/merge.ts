import type { ProbeResult } from '../engine/round.js';
import { agree, roundFailed, type Vote } from './agree.js';
import { checkerHealth, HEALTH_DEFAULTS, type CheckerHealth, type HealthOptions } from './health.js';

/** One replica's round of one component, as exchanged through PostgreSQL. */
export interface Report {
  readonly component: string;
  readonly replica: string;
  /** Epoch ms on the prober's clock: orders one replica's reports, never compared across replicas. */
  readonly at: number;
  readonly startedAt: number;
  readonly results: readonly ProbeResult[];
}

export interface Decision {
  readonly component: string;
  readonly results: readonly ProbeResult[];
  readonly startedAt: number;
}

export interface MergerOptions {
  /** A report older than this (by when it was read here) no longer votes: two intervals. */
  readonly freshMs: number;
  /** A round is decided this long after its first new report even if a prober is silent: half an interval. */
  readonly graceMs: number;
  readonly health?: HealthOptions;
  /**
   * Checker health is recomputed at most this often (0: at every due()). It walks every
   * component: 40-60 ms at 30,000 components on the loaded 2-core machine, too much for every
   * 1 s tick, and a broken route is a slow fact (the agreement rule's ties cover the meantime).
   */
  readonly healthEveryMs?: number;
}

/** What the cluster needs to know about the members and components at decision time. */
export interface MergeView {
  readonly members: readonly string[];
  probersOf(component: string): readonly string[];
  /** Probe count of a configured component; undefined for one no longer configured. */
  probes(component: string): number | undefined;
  /**
   * At least this many probers are expected of every component, whatever the membership says:
   * the configured R while this replica is warming up (it may not have seen the others' first
   * heartbeats yet, and alone it would take its own broken route for an outage); 0 after.
   */
  readonly minExpected?: number;
}

interface Held {
  readonly report: Report;
  /** Local epoch ms when it was read: freshness never compares two machines' clocks. */
  readonly seenAt: number;
}

/**
 * Collects the probers' reports and decides each component's round once per interval: when
 * every trusted prober of the component has reported since the last decision, or `graceMs` after
 * the first new report (a prober that died or lags must not hold the component's state back).
 * Each decision feeds the agreed round to the engine exactly like a local round, so hysteresis,
 * baselines and the snapshot work as on one process. Pure: time is passed in.
 */
export class Merger {
  private readonly latest = new Map<string, Map<string, Held>>();
  private readonly pending = new Map<string, { first: number; from: Set<string> }>();
  private unhealthy: ReadonlySet<string> = new Set();
  private lastHealth?: { at: number; members: string; health: CheckerHealth };

  constructor(private readonly opts: MergerOptions) {}

  /** Adds a report; one not newer than the replica's latest for the component is ignored (a re-read). */
  add(r: Report, seenAt: number): void {
    let byReplica = this.latest.get(r.component);
    if (!byReplica) this.latest.set(r.component, (byReplica = new Map()));
    const held = byReplica.get(r.replica);
    if (held && held.report.at >= r.at) return;
    byReplica.set(r.replica, { report: r, seenAt });
    let p = this.pending.get(r.component);
    if (!p) this.pending.set(r.component, (p = { first: seenAt, from: new Set() }));
    p.from.add(r.replica);
  }

  /** The checker health from the fresh reports of live members. */
  health(now: number, members: readonly string[]): CheckerHealth {
    const live = new Set(members);
    const views = new Map<string, Map<string, boolean>>();
    for (const [component, byReplica] of this.latest) {
      const v = new Map<string, boolean>();
      for (const [replica, h] of byReplica) if (live.has(replica) && this.fresh(h, now)) v.set(replica, roundFailed(h.report.results));
      if (v.size > 0) views.set(component, v);
    }
    return checkerHealth(views, members, this.opts.health ?? HEALTH_DEFAULTS);
  }

  /** Replicas set aside at the last due(). */
  get setAside(): ReadonlySet<string> {
    return this.unhealthy;
  }

  /** The health, recomputed when the members changed or `healthEveryMs` passed. */
  private currentHealth(now: number, members: readonly string[]): CheckerHealth {
    const key = members.join('\n');
    const last = this.lastHealth;
    if (last && last.members === key && now - last.at < (this.opts.healthEveryMs ?? 0)) return last.health;
    const health = this.health(now, members);
    this.lastHealth = { at: now, members: key, health };
    return health;
  }

  /** The rounds due now, and the checker health they were decided with. */
  due(now: number, view: MergeView): { decisions: Decision[]; health: CheckerHealth } {
    const health = this.currentHealth(now, view.members);
    this.unhealthy = health.unhealthy;
    const live = new Set(view.members);
    const decisions: Decision[] = [];
    for (const [component, p] of this.pending) {
      const probes = view.probes(component);
      if (probes === undefined) {
        this.pending.delete(component);
        this.latest.delete(component);
        continue;
      }
      const expected = view.probersOf(component).filter((m) => !health.unhealthy.has(m));
      const complete = expected.length > 0 && expected.every((m) => p.from.has(m));
      if (!complete && now - p.first < this.opts.graceMs) continue;
      this.pending.delete(component);
      const d = this.decide(component, probes, now, live, health.unhealthy, Math.max(expected.length, view.minExpected ?? 0));
      if (d) decisions.push(d);
    }
    return { decisions, health };
  }

  /** Votes: fresh reports of live members that are not set aside. */
  private decide(component: string, probes: number, now: number, live: ReadonlySet<string>, unhealthy: ReadonlySet<string>, expected: number): Decision | undefined {
    const votes: (Vote & { startedAt: number })[] = [];
    for (const [replica, h] of this.latest.get(component) ?? []) {
      if (!live.has(replica) || unhealthy.has(replica) || !this.fresh(h, now)) continue;
      votes.push({ replica, results: h.report.results, startedAt: h.report.startedAt });
    }
    const results = agree(votes, probes, expected);
    if (!results) return undefined;
    return { component, results, startedAt: Math.min(...votes.map((v) => v.startedAt)) };
  }

  private fresh(h: Held, now: number): boolean {
    return now - h.seenAt <= this.opts.freshMs;
  }

  /** Drops what a departed replica reported (it no longer votes anyway once stale). */
  forgetReplica(replica: string): void {
    for (const byReplica of this.latest.values()) byReplica.delete(replica);
  }
}
