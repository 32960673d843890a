/**
 * Which simulated components are broken. A component is down when it was failed on purpose, and
 * unavailable to its callers when it or anything it depends on (transitively) is down: that is
 * what makes dependents' own probes fail, so the cascade is real, not drawn.
 *
 * Like real services behind connection pools, a dependent notices a dependency's failure only
 * after `propagationMs`; recovery is noticed at once. Pure, with the clock passed in.
 */
import type { DemoComponent } from './topology.js';

export class UnknownComponentError extends Error {}

export class DemoWorld {
  /** Failed component -> when it failed. */
  private readonly failed = new Map<string, number>();
  /** Components answering, but slowly (to show "degraded"). */
  private readonly slowed = new Set<string>();
  private readonly byName: ReadonlyMap<string, DemoComponent>;

  constructor(readonly components: readonly DemoComponent[], private readonly opts: { now: () => number; propagationMs: number } = { now: Date.now, propagationMs: 0 }) {
    this.byName = new Map(components.map((c) => [c.name, c]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private check(name: string): DemoComponent {
    const c = this.byName.get(name);
    if (!c) throw new UnknownComponentError(`unknown component "${name}"; one of: ${[...this.byName.keys()].join(', ')}`);
    return c;
  }

  /** Returns false when it was already failed. */
  fail(name: string): boolean {
    this.check(name);
    if (this.failed.has(name)) return false;
    this.failed.set(name, this.opts.now());
    return true;
  }

  /** Slow but working: latency far over its baseline. Returns false when it was already slow. */
  slow(name: string): boolean {
    this.check(name);
    if (this.slowed.has(name)) return false;
    this.slowed.add(name);
    return true;
  }

  /** Clears both failure and slowness; returns whether there was anything to heal. */
  heal(name: string): boolean {
    this.check(name);
    const slowed = this.slowed.delete(name);
    return this.failed.delete(name) || slowed;
  }

  isSlow(name: string): boolean {
    return this.slowed.has(name);
  }

  isFailed(name: string): boolean {
    return this.failed.has(name);
  }

  /** The first broken dependency on the way down, or undefined when everything below is fine. */
  brokenDependency(name: string): string | undefined {
    const seen = new Set<string>([name]);
    const stack = [...this.check(name).dependsOn];
    while (stack.length) {
      const d = stack.shift()!;
      if (seen.has(d)) continue;
      seen.add(d);
      const since = this.failed.get(d);
      if (since !== undefined && this.opts.now() - since >= this.opts.propagationMs) return d;
      stack.push(...(this.byName.get(d)?.dependsOn ?? []));
    }
    return undefined;
  }

  /** Down itself, or unable to serve because of a dependency (once the failure has propagated). */
  isBroken(name: string): boolean {
    return this.failed.has(name) || this.brokenDependency(name) !== undefined;
  }

  list(): { name: string; failed: boolean; slow: boolean; broken: boolean }[] {
    return this.components.map((c) => ({ name: c.name, failed: this.failed.has(c.name), slow: this.slowed.has(c.name), broken: this.isBroken(c.name) }));
  }
}
