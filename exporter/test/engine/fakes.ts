/*
 * A fake clock and fake probes for the engine's unit tests: time moves only when a test says so,
 * so spacing, ramp, deadlines and overruns are asserted exactly, without waiting for real time.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import type { Clock, TimerHandle } from '../../src/engine/clock.js';
import { HISTORY_DEFAULTS } from '../../src/config/types.js';
import type { ComponentConfig, Config } from '../../src/config/types.js';
import type { ProbeCommon, ProbeKind, ProbeOutcome, ProbeRunner } from '../../src/probes/types.js';

/** Lets every promise chain that is ready run (microtasks drain before an immediate fires). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface FakeTimer {
  readonly at: number;
  readonly id: number;
  readonly fn: () => void;
}

/** A monotonic clock whose timers fire only inside advance(), in time order (then creation order). */
export class FakeClock implements Clock {
  private t = 0;
  private ids = 0;
  private readonly timers = new Map<number, FakeTimer>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.ids;
    this.timers.set(id, { at: this.t + Math.max(0, ms), id, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  private next(until: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.at > until) continue;
      if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer;
    }
    return best;
  }

  /** Moves time forward by `ms`, firing every timer due on the way and letting its effects settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (let timer = this.next(end); timer; timer = this.next(end)) {
      this.timers.delete(timer.id);
      this.t = timer.at;
      timer.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** How a fake target answers: after `latencyMs`, up or down; `hang` never answers at all. */
export interface Behaviour {
  up: boolean;
  latencyMs: number;
  hang?: boolean;
}

/**
 * Fake targets by component name, probed through real ProbeRunners on the fake clock. Records
 * when each probe started and how many ran at once.
 */
export class FakeWorld {
  readonly behaviour = new Map<string, Behaviour>();
  /** Clock time of every probe start, by component. */
  readonly starts = new Map<string, number[]>();
  inFlight = 0;
  maxInFlight = 0;
  private readonly running = new Map<string, number>();
  /** Most rounds of one component seen running at once (must stay 1). */
  maxPerComponent = 0;

  constructor(private readonly clock: FakeClock) {}

  set(component: string, b: Partial<Behaviour>): void {
    this.behaviour.set(component, { ...(this.behaviour.get(component) ?? { up: true, latencyMs: 10 }), ...b });
  }

  startsOf(component: string): number[] {
    return this.starts.get(component) ?? [];
  }

  runner(component: string): ProbeRunner {
    return {
      run: () => {
        const b = this.behaviour.get(component) ?? { up: true, latencyMs: 10 };
        this.starts.set(component, [...this.startsOf(component), this.clock.now()]);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const mine = (this.running.get(component) ?? 0) + 1;
        this.running.set(component, mine);
        this.maxPerComponent = Math.max(this.maxPerComponent, mine);
        const done = () => {
          this.inFlight--;
          this.running.set(component, this.running.get(component)! - 1);
        };
        // A hung target ignores the abort signal too: only the deadline can end the round.
        if (b.hang) return new Promise<ProbeOutcome>(() => undefined);
        return new Promise<ProbeOutcome>((resolve) => {
          this.clock.setTimeout(() => {
            done();
            resolve(b.up
              ? { success: true, durationSeconds: b.latencyMs / 1_000 }
              : { success: false, durationSeconds: b.latencyMs / 1_000, reason: 'refused' });
          }, b.latencyMs);
        });
      },
      close: async () => undefined,
    };
  }

  /** A probe kind `fake` whose runners answer as this world says. */
  kind(): ProbeKind<Record<string, never>> {
    return {
      kind: 'fake',
      options: z.object({}),
      create: (_config: ProbeCommon, ctx) => this.runner(ctx.component),
    };
  }
}

export interface ComponentSpec {
  readonly name: string;
  readonly dependsOn?: readonly string[];
  readonly failAfter?: number;
  readonly recoverAfter?: number;
  readonly degradeAfter?: number;
  readonly timeoutMs?: number;
  readonly tier?: ComponentConfig['tier'];
}

export function componentConfig(s: ComponentSpec): ComponentConfig {
  return {
    name: s.name, tier: s.tier ?? 'service', displayName: s.name, environment: 'production',
    dependsOn: s.dependsOn ?? [], dependencies: (s.dependsOn ?? []).map((name) => ({ name, strength: 'hard' })),
    incidentsOpenAt: 'major_outage', failAfter: s.failAfter ?? 1, recoverAfter: s.recoverAfter ?? 1,
    // The product's default (config/schema.ts), so the engine's tests see the rule users get.
    degradeAfter: s.degradeAfter ?? 3,
    probes: [{ kind: 'fake', name: 'fake', timeoutMs: s.timeoutMs ?? 5_000 }],
  };
}

export function engineConfig(components: readonly ComponentSpec[], over: Partial<Config> = {}): Config {
  return {
    file: '/dev/null', intervalMs: 10_000, timeoutMs: 5_000, listen: { host: '127.0.0.1', port: 0 },
    dataDir: '/nonexistent', maxConcurrency: 100, reports: { timezone: 'UTC', daily: false, weekly: false }, history: HISTORY_DEFAULTS,
    components: components.map(componentConfig), secrets: [], ...over,
  };
}

/** A real pino logger at debug level whose lines are kept, parsed, for assertions. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}
