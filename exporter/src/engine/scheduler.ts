import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { ProbeRunner } from '../probes/types.js';
import type { Clock, TimerHandle } from './clock.js';
import { runWithDeadline } from './deadline.js';
import type { ProbeResult } from './round.js';

/** What the scheduler needs of a probe: structural, so the monitor's own records pass as they are. */
export interface ScheduledProbe {
  readonly runner: ProbeRunner;
  readonly config: { readonly timeoutMs: number };
  /** Settles once the probe can run (its client library is loaded); awaited before its deadline starts. */
  readonly ready?: PromiseLike<void>;
}

export interface ScheduledComponent {
  readonly config: { readonly name: string };
  readonly probes: readonly ScheduledProbe[];
}

export interface SchedulerDeps {
  readonly intervalMs: number;
  readonly maxConcurrency: number;
  readonly components: readonly ScheduledComponent[];
  readonly clock: Clock;
  /** Epoch ms, for the time stamps of results. */
  readonly now: () => number;
  readonly logger: Logger;
  /**
   * A round of component `index` finished (not called once stopped). `startedAt` is the epoch
   * ms at which it began; `results` follow the component's probes in order.
   */
  readonly onRound: (index: number, results: readonly ProbeResult[], startedAt: number) => void;
  /** A cycle completed: every component launched in it has finished (or was skipped). */
  readonly onCycle: (cyclesCompleted: number) => void;
  /**
   * Whether this process probes component `index` at all (a replica of a cluster probes its share
   * only). Asked at each turn, so a rebalanced share applies from the next turn; skipped components
   * keep their place in the interval, so every replica probes a component at the same moment.
   */
  readonly probes?: (index: number) => boolean;
}

interface Cycle {
  readonly start: number;
  launched: number;
  pending: number;
}

/**
 * Runs every component's probes once per interval, each component at its own fixed offset so
 * that 10,000 components are spread evenly over the interval instead of firing at once, with at
 * most `max_concurrency` probes in flight and a hard deadline per probe.
 */
export class Scheduler {
  private readonly n: number;
  private readonly offsets: Float64Array;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Components due this soon are launched together: one wake-up of the loop for several probes. */
  private readonly batchMs: number;
  /** Per component: a round is in flight; it was started out of turn (expedite). */
  private readonly running: Uint8Array;
  private readonly expedited: Uint8Array;
  private readonly cycles = new Map<number, Cycle>();
  private timer?: TimerHandle;
  private stopped = false;
  private startedAt = 0;
  private pointer = 0;
  private cycle = 0;
  private completed = 0;
  private lastCycleMs = 0;

  constructor(private readonly deps: SchedulerDeps) {
    this.n = deps.components.length;
    this.limit = pLimit(deps.maxConcurrency);
    // Launching up to 100 ms early (a third of a percent of the interval) leaves every component at
    // the same phase each cycle, so spacing is unchanged, while each wake-up of the event loop
    // serves several probes instead of one: at 1,000 components that was half the CPU per probe.
    this.batchMs = Math.max(1, Math.min(100, deps.intervalMs / 300));
    this.offsets = Float64Array.from(deps.components, (_, i) => (i * deps.intervalMs) / this.n);
    this.running = new Uint8Array(this.n);
    this.expedited = new Uint8Array(this.n);
  }

  /** Completed cycles since start. */
  get cyclesCompleted(): number {
    return this.completed;
  }

  /** Duration of the last complete cycle, seconds, from its scheduled start (0 before the first). */
  get lastCycleSeconds(): number {
    return this.lastCycleMs / 1_000;
  }

  isRunning(index: number): boolean {
    return this.running[index] === 1;
  }

  start(): void {
    this.startedAt = this.deps.clock.now();
    this.tick();
  }

  /**
   * When component `i` runs in cycle `k`, in clock milliseconds. Cycle 0 ramps up over a short
   * window so that readiness does not wait a whole interval, yet 10,000 components still do not
   * connect in the same millisecond. The steady cycles then start at once, at their spread
   * offsets, so that no component ever waits more than one interval between two results:
   * detection stays within one interval from the first second on.
   */
  private due(i: number, k: number): number {
    const interval = this.deps.intervalMs;
    const offset = this.offsets[i]!;
    if (k === 0) return this.startedAt + (offset / interval) * Math.min(interval, 1_000);
    return this.startedAt + (k - 1) * interval + offset;
  }

  private tick(): void {
    if (this.stopped) return;
    const clock = this.deps.clock;
    const now = clock.now();
    while (this.due(this.pointer, this.cycle) <= now + this.batchMs) {
      this.launch(this.pointer, this.cycle);
      this.pointer++;
      if (this.pointer === this.n) {
        this.pointer = 0;
        this.cycle++;
      }
    }
    const wait = Math.max(0, this.due(this.pointer, this.cycle) - clock.now());
    this.timer = clock.setTimeout(() => this.tick(), wait);
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
    if (this.deps.probes && !this.deps.probes(i)) {
      this.maybeCompleteCycle(k);
      return;
    }
    if (this.running[i]) {
      // Expected right after start, where cycle 1 may begin before the ramp's round ends;
      // later only when the concurrency limit is saturated for longer than an interval.
      this.deps.logger[k === 1 || this.expedited[i] ? 'debug' : 'warn']({ component: this.deps.components[i]!.config.name, cycle: k }, 'probe round skipped: previous round still running');
      this.maybeCompleteCycle(k);
      return;
    }
    c.pending++;
    this.running[i] = 1;
    const cycle = c;
    void this.round(i).finally(() => {
      this.running[i] = 0;
      cycle.pending--;
      this.maybeCompleteCycle(k);
    });
  }

  /**
   * Runs component `index` now, out of turn, unless a round of it is already in flight. Its
   * place in the interval does not move: its next turn comes as planned.
   */
  expedite(index: number): void {
    if (this.running[index]) return;
    this.running[index] = 1;
    this.expedited[index] = 1;
    void this.round(index).finally(() => {
      this.running[index] = 0;
      this.expedited[index] = 0;
    });
  }

  private maybeCompleteCycle(k: number): void {
    const c = this.cycles.get(k);
    if (!c || c.pending > 0 || c.launched < this.n) return;
    this.cycles.delete(k);
    this.lastCycleMs = this.deps.clock.now() - c.start;
    this.completed++;
    this.deps.onCycle(this.completed);
  }

  private async round(i: number): Promise<void> {
    const { now, clock } = this.deps;
    const startedAt = now();
    const results = await Promise.all(this.deps.components[i]!.probes.map(async (p) => {
      // Outside the deadline and the concurrency slot: loading a client library is start-up, not
      // the target's latency, and must not hold up other kinds' probes meanwhile.
      if (p.ready) await p.ready;
      return this.limit(async (): Promise<ProbeResult> => {
        const outcome = await runWithDeadline(p.runner, p.config.timeoutMs, clock);
        return { outcome, at: now() };
      });
    }));
    if (this.stopped) return;
    this.deps.onRound(i, results, startedAt);
  }

  /** No new rounds; queued probes are dropped; rounds in flight finish without reporting. */
  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
    this.limit.clearQueue();
  }
}
