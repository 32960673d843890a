import type { Logger } from 'pino';
import type { ComponentConfig, Config } from '../config/types.js';
import type { HttpDispatchers } from '../probes/http-dispatchers.js';
import type { Measurement, ProbeConfig, ProbeKind, ProbeRunner } from '../probes/types.js';
import { LearnedBaseline } from './baseline.js';
import type { Hysteresis } from './classifier.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import { Publisher, type SnapshotListener } from './publisher.js';
import { applyRound, initialState, learnsBaseline, type ComponentState, type ProbeResult } from './round.js';
import { Scheduler } from './scheduler.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import type { Cover, ProbeStatus, Snapshot } from './snapshot.js';
import type { RoundCounts } from './attribution.js';

export type { SnapshotListener } from './publisher.js';

interface ProbeRuntime {
  readonly config: ProbeConfig;
  readonly runner: ProbeRunner;
  readonly configMeasurements: readonly Measurement[];
  readonly baseline: LearnedBaseline;
  /** The kind's client library, loaded before the first deadline of this probe starts. */
  readonly ready?: Promise<void>;
}

interface ComponentRuntime {
  readonly config: ComponentConfig;
  readonly probes: readonly ProbeRuntime[];
  readonly upstream: readonly string[];
  state: ComponentState;
}

/** What survives a reload for a component of the same name. */
export interface CarriedState {
  readonly components: ReadonlyMap<string, {
    hysteresis: Hysteresis; since: number; reason?: string; maintenance: boolean; stateChanges: number; checked: boolean;
    /** SLO counters: carried so that they stay monotonic across a reload. */
    counts: RoundCounts;
    probes: ReadonlyMap<string, { baseline: LearnedBaseline; last?: ProbeStatus; slowRounds: number }>;
  }>;
  readonly seq: number;
}

/**
 * Where a replica of a cluster sends its own rounds instead of applying them: the cluster decides
 * each component's round from all its probers' rounds and hands it back through decide().
 */
export interface RoundExchange {
  /** Whether this replica probes the component (its share). */
  probes(component: string): boolean;
  report(component: string, results: readonly ProbeResult[], startedAt: number): void;
}

export interface MonitorDeps {
  readonly config: Config;
  readonly kinds: ReadonlyMap<string, ProbeKind<any>>;
  readonly logger: Logger;
  /** Epoch milliseconds; injected so tests and replays control time stamps. */
  readonly now: () => number;
  /**
   * Shared HTTP connection pools of the probes. Owned by the caller, who closes them after
   * stop(): a reload builds a monitor with new pools and closes the old ones after the old probes.
   */
  readonly http: HttpDispatchers;
  /** Monotonic time and timers for scheduling, publishing and deadlines; the real ones by default. */
  readonly clock?: Clock;
  readonly carried?: CarriedState;
  /** Which components maintenance windows cover now (maintenance/); none by default. */
  readonly cover?: Cover;
  /** A replica of a cluster: probe the share only, report rounds, apply the decided ones (decide()). */
  readonly exchange?: RoundExchange;
}

const probeKey = (p: ProbeConfig) => `${p.kind}/${p.name}`;

/**
 * The engine: composes the scheduler (when each component runs), the round function (what a
 * finished round means), the snapshot builder (what everyone reads) and the publisher (when
 * they read it). Each finished round is classified; results are published as immutable
 * snapshots, coalesced over a short window.
 */
export class Monitor {
  private readonly runtimes: ComponentRuntime[];
  private readonly indexByName = new Map<string, number>();
  private readonly scheduler: Scheduler;
  private readonly builder: SnapshotBuilder;
  private readonly publisher: Publisher;
  /** Third-party components: a root cause among them makes an unavailable round "vendor". */
  private readonly vendors: ReadonlySet<string>;
  private readonly isVendor = (name: string) => this.vendors.has(name);
  private readonly covered = (name: string) => this.builder.covered(name);
  /** Per configured kind that has a library to load: its load, started once, never rejecting. */
  private readonly loads = new Map<string, Promise<void>>();
  /** Callers of coverChanged() waiting for the next snapshot; released by stop(). */
  private readonly coverWaiters = new Set<() => void>();
  /** Latched once a published snapshot holds a result for every component. */
  private everyChecked = false;

  constructor(private readonly deps: MonitorDeps) {
    const { config } = deps;
    const clock = deps.clock ?? SYSTEM_CLOCK;
    this.vendors = new Set(config.components.filter((c) => c.tier === 'third-party').map((c) => c.name));
    this.builder = new SnapshotBuilder(config.components, deps.carried?.seq ?? 0, deps.now, deps.cover);
    this.runtimes = config.components.map((c) => this.runtime(c, this.builder.upstreamOf(c.name)));
    this.runtimes.forEach((rt, i) => this.indexByName.set(rt.config.name, i));
    this.scheduler = new Scheduler({
      intervalMs: config.intervalMs, maxConcurrency: config.maxConcurrency, components: this.runtimes, clock, now: deps.now, logger: deps.logger,
      onRound: deps.exchange
        ? (i, results, startedAt) => deps.exchange!.report(this.runtimes[i]!.config.name, results, startedAt)
        : (i, results, startedAt) => this.finish(i, results, startedAt),
      ...(deps.exchange ? { probes: (i: number) => deps.exchange!.probes(this.runtimes[i]!.config.name) } : {}),
      // The first complete cycle is readiness: show it promptly; later ones only update a number.
      onCycle: (completed) => this.publisher.schedule(completed === 1),
    });
    this.publisher = new Publisher({
      intervalMs: config.intervalMs, clock, logger: deps.logger,
      build: () => this.builder.build(this.runtimes, this.scheduler),
      published: (s) => { if (!this.everyChecked) this.everyChecked = s.components.every((c) => c.checked); },
    });
  }

  private runtime(c: ComponentConfig, upstream: readonly string[]): ComponentRuntime {
    const { deps } = this;
    const carried = deps.carried?.components.get(c.name);
    const logger = deps.logger.child({ component: c.name });
    const prev = c.probes.map((p) => carried?.probes.get(probeKey(p)));
    const probes = c.probes.map((p, j): ProbeRuntime => {
      const kind = deps.kinds.get(p.kind);
      if (!kind) throw new Error(`unknown probe kind ${p.kind}`);
      return {
        config: p,
        runner: kind.create(p, { component: c.name, logger, http: deps.http }),
        configMeasurements: kind.configMeasurements?.(p) ?? [],
        baseline: prev[j]?.baseline ?? new LearnedBaseline(),
        ...(kind.load ? { ready: this.load(kind) } : {}),
      };
    });
    const lasts = prev.map((p) => p?.last);
    const state: ComponentState = carried
      ? {
        hysteresis: carried.hysteresis,
        since: carried.since,
        ...(carried.reason !== undefined ? { reason: carried.reason } : {}),
        maintenance: carried.maintenance,
        stateChanges: carried.stateChanges,
        checked: carried.checked,
        counts: carried.counts,
        probes: lasts,
        slowRounds: prev.map((p) => p?.slowRounds ?? 0),
      }
      : initialState(lasts, deps.now());
    return { config: c, probes, upstream, state };
  }

  /**
   * Starts loading a kind's client library the first time a probe of that kind is configured.
   * Kinds nobody configured are never loaded (~15 MB of RSS each); for the others the scheduler
   * awaits this before each probe's deadline starts: after a kill -9 restart, loading pg inside
   * the deadline timed every datastore probe out on its first check (issue 14). A failed load is
   * logged here and then fails each probe with its own reason when it imports the library again.
   */
  private load(kind: ProbeKind<any>): Promise<void> {
    let loading = this.loads.get(kind.kind);
    if (!loading) {
      loading = kind.load!().catch((err: unknown) => {
        this.deps.logger.error({ kind: kind.kind, err: String(err) }, 'probe client library failed to load');
      });
      this.loads.set(kind.kind, loading);
    }
    return loading;
  }

  onSnapshot(listener: SnapshotListener): () => void {
    return this.publisher.onSnapshot(listener);
  }

  snapshot(): Snapshot {
    return this.publisher.snapshot();
  }

  /** True once every component has a published result (or after a reload that kept state). */
  ready(): boolean {
    return this.everyChecked || this.deps.carried !== undefined;
  }

  /**
   * A maintenance window started, ended or was created or cancelled: publish at once. Resolves
   * when a snapshot built with the new cover is out, so an API answer is in force when it is sent.
   */
  coverChanged(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => { off(); this.coverWaiters.delete(done); resolve(); };
      const off = this.publisher.onSnapshot(done);
      // A monitor stopped by a reload publishes no more: its successor builds with the new cover.
      this.coverWaiters.add(done);
      this.publisher.schedule(true);
    });
  }

  start(): void {
    this.scheduler.start();
  }

  /**
   * Applies a round decided elsewhere (a cluster's agreed round of a component) exactly as a local
   * round: hysteresis, baselines, transitions. Unknown components (a reload removed them) are ignored.
   */
  decide(component: string, results: readonly ProbeResult[], startedAt: number): void {
    const i = this.indexByName.get(component);
    if (i === undefined || results.length !== this.runtimes[i]!.probes.length) return;
    this.finish(i, results, startedAt);
  }

  private finish(i: number, results: readonly ProbeResult[], startedAt: number): void {
    const rt = this.runtimes[i]!;
    const r = applyRound(rt, rt.state, results, this.deps.now(), {
      rootCauses: this.builder.rootCausesOf(rt.config.name), isVendor: this.isVendor, name: rt.config.name, covered: this.covered,
    });
    for (let j = 0; j < rt.probes.length; j++) {
      const p = rt.probes[j]!;
      const o = results[j]!.outcome;
      if (learnsBaseline(p.config, o)) p.baseline.add(o.durationSeconds);
    }
    rt.state = r.state;
    if (r.transition) {
      this.builder.stateChanged();
      this.publisher.change(r.transition);
    }
    for (const name of r.urgent) this.confirm(name, startedAt);
    this.publisher.schedule(r.publishNow);
  }

  /**
   * A component just started failing: probe now a dependency that has no result taken since.
   * Otherwise a dependent whose turn in the interval comes before its database's would be shown,
   * logged and alerted on as a root cause for up to one interval, until the database's own turn
   * reveals the real one.
   */
  private confirm(name: string, since: number): void {
    const d = this.indexByName.get(name);
    if (d === undefined || this.scheduler.isRunning(d)) return;
    // A replica probes out of turn only what it probes at all; the dependency's probers do the same.
    if (this.deps.exchange && !this.deps.exchange.probes(name)) return;
    if (this.runtimes[d]!.state.probes.every((p) => (p?.checkedAt ?? 0) >= since)) return;
    this.scheduler.expedite(d);
  }

  /** What a reloaded monitor keeps: states, baselines and last results of same-named parts. */
  carry(): CarriedState {
    return {
      seq: this.builder.lastSeq,
      components: new Map(this.runtimes.map((rt) => {
        const s = rt.state;
        return [rt.config.name, {
          hysteresis: s.hysteresis,
          since: s.since,
          ...(s.reason !== undefined ? { reason: s.reason } : {}),
          maintenance: s.maintenance,
          stateChanges: s.stateChanges,
          checked: s.checked,
          counts: s.counts,
          probes: new Map(rt.probes.map((p, j) => {
            const last = s.probes[j];
            return [probeKey(p.config), { baseline: p.baseline, slowRounds: s.slowRounds[j] ?? 0, ...(last ? { last } : {}) }];
          })),
        }];
      })),
    };
  }

  /** Stops scheduling and publishing and closes the probes; the HTTP pools are the caller's. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    this.publisher.stop();
    for (const done of [...this.coverWaiters]) done();
    await Promise.allSettled(this.runtimes.flatMap((rt) => rt.probes.map((p) => p.runner.close())));
  }
}
