/*
 * Checker health (docs/cluster.md, "A broken checker"): a replica whose own network path is
 * broken sees its components fail while the other probers of the same components see them fine.
 * Such a replica is an unhealthy checker: its results are set aside until its view agrees again.
 *
 * For each replica X, over the components it shares with at least one other prober (latest fresh
 * results only): `compared` counts them, `alone` counts those X sees failing while a majority of
 * the other probers see them fine. X is a candidate when it compared at least `minCompared`
 * components and `alone / compared >= threshold` (0.5 by default: "most of its components").
 *
 * Candidates are set aside only while they are a strict minority of the members: with two
 * replicas that disagree, or two of three, nothing tells which side is broken, so nobody is set
 * aside and the agreement rule alone decides (a tie is no outage; two of three failing is).
 * A real outage makes every prober fail together, so nobody fails alone and nobody is set aside.
 */

export interface HealthOptions {
  /** Share of compared components failing alone from which a replica is a candidate. */
  readonly threshold: number;
  /** Fewer compared components than this say nothing (a replica that just joined). */
  readonly minCompared: number;
}

export const HEALTH_DEFAULTS: HealthOptions = Object.freeze({ threshold: 0.5, minCompared: 3 });

export interface CheckerScore {
  readonly compared: number;
  readonly alone: number;
}

export interface CheckerHealth {
  /** Replicas whose results are set aside. */
  readonly unhealthy: ReadonlySet<string>;
  readonly scores: ReadonlyMap<string, CheckerScore>;
}

/**
 * `views`: per component, per replica, whether its latest fresh round of it failed.
 * `members`: the live replicas.
 */
export function checkerHealth(
  views: ReadonlyMap<string, ReadonlyMap<string, boolean>>,
  members: readonly string[],
  opts: HealthOptions = HEALTH_DEFAULTS,
): CheckerHealth {
  const scores = new Map<string, { compared: number; alone: number }>(members.map((m) => [m, { compared: 0, alone: 0 }]));
  for (const byReplica of views.values()) {
    if (byReplica.size < 2) continue;
    let failing = 0;
    for (const f of byReplica.values()) if (f) failing++;
    for (const [replica, failed] of byReplica) {
      const s = scores.get(replica);
      if (!s) continue;
      s.compared++;
      const others = byReplica.size - 1;
      const othersFine = others - (failing - (failed ? 1 : 0));
      if (failed && othersFine * 2 > others) s.alone++;
    }
  }
  const candidates = [...scores].filter(([, s]) => s.compared >= opts.minCompared && s.alone >= opts.threshold * s.compared).map(([m]) => m);
  const unhealthy = new Set(candidates.length * 2 < members.length ? candidates : []);
  return { unhealthy, scores };
}
