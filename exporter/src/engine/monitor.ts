import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { ComponentConfig, Config } from '../config/types.js';
import type { Measurement, ProbeConfig, ProbeKind, ProbeRunner } from '../probes/types.js';
import { HttpDispatchers } from '../probes/http-dispatchers.js';
import { LearnedBaseline } from './baseline.js';
import { applyHysteresis, classifyRound, INITIAL_HYSTERESIS, type Hysteresis, type ProbeVerdict } from './classifier.js';
import { runWithDeadline } from './deadline.js';
import { computeImpact, dependentsOf, transitiveDependents, isUnhealthy, type State } from '@statusgraph/core';
import type { ComponentStatus, ProbeStatus, Snapshot, StateChange } from './snapshot.js';

export type SnapshotListener = (snapshot: Snapshot, changes: readonly StateChange[]) => void;

interface ProbeRuntime {
  readonly config: ProbeConfig;
  readonly runner: ProbeRunner;
  readonly configMeasurements: readonly Measurement[];
  readonly baseline: LearnedBaseline;
  last?: ProbeStatus;
}

interface ComponentRuntime {
  readonly config: ComponentConfig;
  readonly probes: ProbeRuntime[];
  readonly offsetMs: number;
  hysteresis: Hysteresis;
  since: number;
  reason?: string;
  maintenance: boolean;
  stateChanges: number;
  running: boolean;
  /** The round in flight was started out of turn by confirmUpstream. */
  expedited: boolean;
  checked: boolean;
  /** Bumped on every finished round; unchanged components keep their status object (and its rendered metrics). */
  version: number;
  built?: { version: number; impactKey: string; status: ComponentStatus };
}

/** What survives a reload for a component of the same name. */
export interface CarriedState {
  readonly components: ReadonlyMap<string, {
    hysteresis: Hysteresis; since: number; reason?: string; maintenance: boolean; stateChanges: number; checked: boolean;
    probes: ReadonlyMap<string, { baseline: LearnedBaseline; last?: ProbeStatus }>;
  }>;
  readonly seq: number;
}

export interface MonitorDeps {
  readonly config: Config;
  readonly kinds: ReadonlyMap<string, ProbeKind<any>>;
  readonly logger: Logger;
  /** Epoch milliseconds; injected so tests and replays control time stamps. */
  readonly now: () => number;
  readonly carried?: CarriedState;
}

/**
 * Runs every component's probes once per interval, each component at its own fixed offset so
 * that 10,000 components are spread evenly over the interval instead of firing at once, with at
 * most `max_concurrency` probes in flight and a hard deadline per probe. Each finished round is
 * classified; results are published as immutable snapshots, coalesced over a short window.
 */
export class Monitor {
  private readonly runtimes: ComponentRuntime[];
  private readonly edges: Map<string, readonly string[]>;
  private readonly dependents: Map<string, string[]>;
  private readonly upstream: Map<string, string[]>;
  private readonly byName = new Map<string, ComponentRuntime>();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly http = new HttpDispatchers();
  private readonly listeners: SnapshotListener[] = [];
  private readonly pendingChanges: Omit<StateChange, 'rootCauses'>[] = [];
  private readonly publishDelayMs: number;
  private readonly refreshDelayMs: number;
  /** Components due this soon are launched together: one wake-up of the loop for several probes. */
  private readonly batchMs: number;
  private timer?: NodeJS.Timeout;
  private publishTimer?: NodeJS.Timeout;
  private publishDueAt = 0;
  /** Bumped whenever a component's own state changes: impact is recomputed only then. */
  private stateEpoch = 0;
  private impact?: { epoch: number; byName: ReturnType<typeof computeImpact> };
  private stopped = false;
  private startedAt = 0;
  private pointer = 0;
  private cycle = 0;
  private readonly cycles = new Map<number, { start: number; launched: number; pending: number }>();
  private cyclesCompleted = 0;
  /** Latched once a published snapshot holds a result for every component. */
  private everyChecked = false;
  private lastCycleSeconds = 0;
  private seq: number;
  private current: Snapshot;

  constructor(private readonly deps: MonitorDeps) {
    const { config } = deps;
    this.limit = pLimit(config.maxConcurrency);
    this.publishDelayMs = Math.min(500, Math.max(25, config.intervalMs / 100));
    // Every snapshot costs O(components) in each consumer (SSE, incidents, history, /metrics), so
    // results that change nothing visible but numbers are batched: ten snapshots per interval
    // instead of one per publish window. Anything that changes a state is published at once.
    this.refreshDelayMs = Math.min(5_000, Math.max(this.publishDelayMs, config.intervalMs / 10));
    // Launching up to 100 ms early (a third of a percent of the interval) leaves every component at
    // the same phase each cycle, so spacing is unchanged, while each wake-up of the event loop
    // serves several probes instead of one: at 1,000 components that was half the CPU per probe.
    this.batchMs = Math.max(1, Math.min(100, config.intervalMs / 300));
    this.edges = new Map(config.components.map((c) => [c.name, c.dependsOn]));
    this.dependents = transitiveDependents(this.edges);
    // Following the reversed edges backwards walks the dependencies: the upstream closure.
    this.upstream = transitiveDependents(dependentsOf(this.edges));
    const n = config.components.length;
    this.runtimes = config.components.map((c, i) => {
      const carried = deps.carried?.components.get(c.name);
      const logger = deps.logger.child({ component: c.name });
      return {
        config: c,
        offsetMs: (i * config.intervalMs) / n,
        probes: c.probes.map((p) => {
          const kind = deps.kinds.get(p.kind);
          if (!kind) throw new Error(`unknown probe kind ${p.kind}`);
          const prev = carried?.probes.get(`${p.kind}/${p.name}`);
          return {
            config: p,
            runner: kind.create(p, { component: c.name, logger, http: this.http }),
            configMeasurements: kind.configMeasurements?.(p) ?? [],
            baseline: prev?.baseline ?? new LearnedBaseline(),
            ...(prev?.last ? { last: prev.last } : {}),
          };
        }),
        hysteresis: carried?.hysteresis ?? INITIAL_HYSTERESIS,
        since: carried?.since ?? deps.now(),
        ...(carried?.reason !== undefined ? { reason: carried.reason } : {}),
        maintenance: carried?.maintenance ?? false,
        stateChanges: carried?.stateChanges ?? 0,
        running: false,
        expedited: false,
        checked: carried?.checked ?? false,
        version: 0,
      };
    });
    for (const rt of this.runtimes) this.byName.set(rt.config.name, rt);
    this.seq = deps.carried?.seq ?? 0;
    this.current = this.build();
  }

  onSnapshot(listener: SnapshotListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  snapshot(): Snapshot {
    return this.current;
  }

  /** True once every component has a published result (or after a reload that kept state). */
  ready(): boolean {
    return this.everyChecked || this.deps.carried !== undefined;
  }

  start(): void {
    this.startedAt = performance.now();
    this.tick();
  }

  /**
   * When component `i` runs in cycle `k`, in performance.now() milliseconds. Cycle 0 ramps up
   * over a short window so that readiness does not wait a whole interval, yet 10,000 components
   * still do not connect in the same millisecond. The steady cycles then start at once, at
   * their spread offsets, so that no component ever waits more than one interval between two
   * results: detection stays within one interval from the first second on.
   */
  private due(i: number, k: number): number {
    const rt = this.runtimes[i]!;
    const interval = this.deps.config.intervalMs;
    if (k === 0) return this.startedAt + (rt.offsetMs / interval) * Math.min(interval, 1_000);
    return this.startedAt + (k - 1) * interval + rt.offsetMs;
  }

  private tick(): void {
    if (this.stopped) return;
    const n = this.runtimes.length;
    const now = performance.now();
    while (this.due(this.pointer, this.cycle) <= now + this.batchMs) {
      this.launch(this.pointer, this.cycle);
      this.pointer++;
      if (this.pointer === n) {
        this.pointer = 0;
        this.cycle++;
      }
    }
    const wait = Math.max(0, this.due(this.pointer, this.cycle) - performance.now());
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private launch(i: number, k: number): void {
    let c = this.cycles.get(k);
    if (!c) {
      // From the scheduled start, not the first (possibly early or late) launch: a cycle that
      // completes "inside the interval" means inside [scheduled start, + interval].
      c = { start: this.due(i, k), launched: 0, pending: 0 };
      this.cycles.set(k, c);
    }
    c.launched++;
    const rt = this.runtimes[i]!;
    if (rt.running) {
      // Expected right after start, where cycle 1 may begin before the ramp's round ends;
      // later only when the concurrency limit is saturated for longer than an interval.
      this.deps.logger[k === 1 || rt.expedited ? 'debug' : 'warn']({ component: rt.config.name, cycle: k }, 'probe round skipped: previous round still running');
      this.maybeCompleteCycle(k);
      return;
    }
    c.pending++;
    rt.running = true;
    void this.runRound(rt).finally(() => {
      rt.running = false;
      c!.pending--;
      this.maybeCompleteCycle(k);
    });
  }

  private maybeCompleteCycle(k: number): void {
    const c = this.cycles.get(k);
    if (!c || c.pending > 0 || c.launched < this.runtimes.length) return;
    this.cycles.delete(k);
    this.lastCycleSeconds = (performance.now() - c.start) / 1_000;
    this.cyclesCompleted++;
    // The first complete cycle is readiness: show it promptly; later ones only update a number.
    this.schedulePublish(this.cyclesCompleted === 1);
  }

  private async runRound(rt: ComponentRuntime): Promise<void> {
    const startedAt = this.deps.now();
    const results = await Promise.all(rt.probes.map((p) => this.limit(async () => {
      const outcome = await runWithDeadline(p.runner, p.config.timeoutMs);
      return { p, outcome, at: this.deps.now() };
    })));
    if (this.stopped) return;
    const verdicts: ProbeVerdict[] = [];
    let flipped = !rt.checked;
    for (const { p, outcome, at } of results) {
      if (p.last?.success !== outcome.success) flipped = true;
      // The baseline in use is the one before this sample: a slow sample must not excuse itself.
      const baselineSeconds = p.config.baselineSeconds ?? p.baseline.value();
      if (outcome.success && !outcome.inconclusive && p.config.baselineSeconds === undefined) p.baseline.add(outcome.durationSeconds);
      verdicts.push({ name: p.config.name, outcome, ...(baselineSeconds !== undefined ? { baselineSeconds } : {}) });
      p.last = {
        name: p.config.name,
        kind: p.config.kind,
        success: outcome.success,
        durationSeconds: outcome.durationSeconds,
        ...(baselineSeconds !== undefined ? { baselineSeconds } : {}),
        ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
        ...(outcome.degradedReason !== undefined ? { degradedReason: outcome.degradedReason } : {}),
        inconclusive: outcome.inconclusive === true,
        maintenance: outcome.maintenance === true,
        measurements: p.configMeasurements.length ? [...p.configMeasurements, ...(outcome.measurements ?? [])] : (outcome.measurements ?? []),
        info: outcome.info,
        checkedAt: at,
      };
    }
    const raw = classifyRound(verdicts);
    const before = rt.hysteresis.state;
    const reasonBefore = rt.reason;
    rt.hysteresis = applyHysteresis(rt.hysteresis, raw.state, rt.config.failAfter, rt.config.recoverAfter);
    if (rt.maintenance !== raw.maintenance) flipped = true;
    rt.maintenance = raw.maintenance;
    rt.checked = true;
    rt.version++;
    if (rt.hysteresis.state !== before) {
      const at = this.deps.now();
      rt.since = at;
      rt.stateChanges++;
      this.stateEpoch++;
      flipped = true;
      this.pendingChanges.push({ component: rt.config.name, from: before, to: rt.hysteresis.state, ...(raw.reason !== undefined ? { reason: raw.reason } : {}), at });
    }
    if (isUnhealthy(raw.state) && !isUnhealthy(before)) this.confirmUpstream(rt, startedAt);
    // The reason follows the state shown, not a raw round that hysteresis has not accepted yet.
    if (rt.hysteresis.state === raw.state) {
      if (raw.reason !== undefined) rt.reason = raw.reason;
      else delete rt.reason;
    }
    this.schedulePublish(flipped || rt.reason !== reasonBefore);
  }

  /**
   * A component just started failing: probe now every dependency, direct or transitive, that
   * has no result taken since. Otherwise a dependent whose turn in the interval comes before its
   * database's would be shown, logged and alerted on as a root cause for up to one interval,
   * until the database's own turn reveals the real one.
   */
  private confirmUpstream(rt: ComponentRuntime, since: number): void {
    for (const name of this.upstream.get(rt.config.name) ?? []) {
      const d = this.byName.get(name);
      if (!d || d.running) continue;
      if (d.probes.every((p) => (p.last?.checkedAt ?? 0) >= since)) continue;
      d.running = true;
      d.expedited = true;
      void this.runRound(d).finally(() => {
        d.running = false;
        d.expedited = false;
      });
    }
  }

  /**
   * Urgent: a state, a probe's success, a reason or maintenance changed, so alerts and incidents
   * must see it within the publish window. Otherwise only latencies moved: the refresh will do.
   */
  private schedulePublish(urgent: boolean): void {
    if (this.stopped) return;
    const delay = urgent ? this.publishDelayMs : this.refreshDelayMs;
    const due = performance.now() + delay;
    if (this.publishTimer) {
      if (due >= this.publishDueAt) return;
      clearTimeout(this.publishTimer);
    }
    this.publishDueAt = due;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, delay);
  }

  private publish(): void {
    const snapshot = this.build();
    this.current = snapshot;
    if (!this.everyChecked) this.everyChecked = snapshot.components.every((c) => c.checked);
    const changes: StateChange[] = this.pendingChanges.splice(0).map((c) => ({
      ...c,
      rootCauses: snapshot.byName.get(c.component)?.rootCauses ?? [],
    }));
    for (const ch of changes) {
      this.deps.logger.info({
        event: 'state_change', component: ch.component, from: ch.from, to: ch.to,
        reason: ch.reason ?? null, root_cause: ch.rootCauses.length ? ch.rootCauses.join(',') : null,
      }, `${ch.component}: ${ch.from} -> ${ch.to}`);
    }
    for (const l of this.listeners) {
      try {
        l(snapshot, changes);
      } catch (err) {
        this.deps.logger.error({ err }, 'snapshot listener failed');
      }
    }
  }

  private build(): Snapshot {
    if (this.impact?.epoch !== this.stateEpoch) {
      const state = new Map<string, State>(this.runtimes.map((rt) => [rt.config.name, rt.hysteresis.state]));
      this.impact = { epoch: this.stateEpoch, byName: computeImpact(this.edges, (n) => isUnhealthy(state.get(n) ?? 'operational')) };
    }
    const impact = this.impact.byName;
    const components: ComponentStatus[] = this.runtimes.map((rt) => {
      const imp = impact.get(rt.config.name)!;
      const impactKey = imp.rootCauses.join(',');
      if (rt.built && rt.built.version === rt.version && rt.built.impactKey === impactKey) return rt.built.status;
      const c = rt.config;
      const status: ComponentStatus = Object.freeze({
        name: c.name,
        tier: c.tier,
        displayName: c.displayName,
        environment: c.environment,
        ...(c.runbook !== undefined ? { runbook: c.runbook } : {}),
        dependsOn: c.dependsOn,
        state: rt.hysteresis.state,
        since: rt.since,
        ...(rt.reason !== undefined ? { reason: rt.reason } : {}),
        maintenance: rt.maintenance,
        impacted: imp.impacted,
        rootCauses: imp.rootCauses,
        dependents: this.dependents.get(c.name) ?? [],
        probes: rt.probes.flatMap((p) => (p.last ? [p.last] : [])),
        checked: rt.checked,
        stateChanges: rt.stateChanges,
      });
      rt.built = { version: rt.version, impactKey, status };
      return status;
    });
    return Object.freeze({
      seq: ++this.seq,
      at: this.deps.now(),
      components: Object.freeze(components),
      byName: new Map(components.map((c) => [c.name, c])),
      cycleDurationSeconds: this.lastCycleSeconds,
      cyclesCompleted: this.cyclesCompleted,
    });
  }

  /** What a reloaded monitor keeps: states, baselines and last results of same-named parts. */
  carry(): CarriedState {
    return {
      seq: this.seq,
      components: new Map(this.runtimes.map((rt) => [rt.config.name, {
        hysteresis: rt.hysteresis,
        since: rt.since,
        ...(rt.reason !== undefined ? { reason: rt.reason } : {}),
        maintenance: rt.maintenance,
        stateChanges: rt.stateChanges,
        checked: rt.checked,
        probes: new Map(rt.probes.map((p) => [`${p.config.kind}/${p.config.name}`, { baseline: p.baseline, ...(p.last ? { last: p.last } : {}) }])),
      }])),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.publishTimer);
    this.limit.clearQueue();
    await Promise.allSettled(this.runtimes.flatMap((rt) => rt.probes.map((p) => p.runner.close())));
    await this.http.close();
  }
}
