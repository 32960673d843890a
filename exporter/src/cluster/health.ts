/*
 * Checker health (docs/cluster.md, "A broken checker"): a replica whose own network path is
 * broken sees its components fail while the other probers of the same components see them fine.
 * Such a replica is an unhealthy checker: its results are set aside until its view agrees again.
 *
 * Judged pair by pair, over the components two replicas both probe (latest fresh results only):
 * X disagrees with Y when, of at least `minCompared` shared components, X sees at least
 * `threshold` (half: "most of them") fail while Y sees them fine. X is a candidate when it
 * disagrees with a strict majority of the replicas it can be compared with. One broken replica of
 * three disagrees with both others; two broken of three each disagree with the healthy one only
 * (they fail together on what they share): one of two, no majority, whatever the split of their
 * components. A real outage makes every prober fail together: nobody disagrees.
 *
 * Candidates are set aside only while they are a strict minority of the replicas that can be
 * judged: with two replicas that disagree, or two of three, nothing tells which side is broken, so
 * nobody is set aside and the agreement rule alone decides (a tie is no outage; two of two
 * failing is). A replica whose results have not arrived yet (it just joined) cannot be judged.
 */

export interface HealthOptions {
  /** Share of the components shared with one replica that fail alone from which X disagrees with it. */
  readonly threshold: number;
  /** Fewer shared components than this say nothing about a pair. */
  readonly minCompared: number;
}

export const HEALTH_DEFAULTS: HealthOptions = Object.freeze({ threshold: 0.5, minCompared: 3 });

export interface CheckerScore {
  /** Components it shares with at least one other prober. */
  readonly compared: number;
  /** Of those, the ones it sees failing while a majority of the other probers see them fine. */
  readonly alone: number;
}

export interface CheckerHealth {
  /** Replicas whose results are set aside. */
  readonly unhealthy: ReadonlySet<string>;
  readonly scores: ReadonlyMap<string, CheckerScore>;
}

type Pairs = Map<string, Map<string, { shared: number; alone: number }>>;

function tally(views: ReadonlyMap<string, ReadonlyMap<string, boolean>>, members: readonly string[]) {
  const scores = new Map<string, { compared: number; alone: number }>(members.map((m) => [m, { compared: 0, alone: 0 }]));
  const pairs: Pairs = new Map(members.map((m) => [m, new Map()]));
  for (const byReplica of views.values()) {
    if (byReplica.size < 2) continue;
    let failing = 0;
    for (const f of byReplica.values()) if (f) failing++;
    for (const [x, xFailed] of byReplica) {
      const s = scores.get(x);
      if (!s) continue;
      s.compared++;
      const others = byReplica.size - 1;
      if (xFailed && (others - (failing - 1)) * 2 > others) s.alone++;
      const px = pairs.get(x)!;
      for (const [y, yFailed] of byReplica) {
        if (y === x || !scores.has(y)) continue;
        const p = px.get(y) ?? { shared: 0, alone: 0 };
        p.shared++;
        if (xFailed && !yFailed) p.alone++;
        px.set(y, p);
      }
    }
  }
  return { scores, pairs };
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
  const { scores, pairs } = tally(views, members);
  const judged: string[] = [];
  const candidates: string[] = [];
  for (const [x, px] of pairs) {
    const comparable = [...px.values()].filter((p) => p.shared >= opts.minCompared);
    if (comparable.length === 0) continue;
    judged.push(x);
    const disagrees = comparable.filter((p) => p.alone >= opts.threshold * p.shared).length;
    if (disagrees * 2 > comparable.length) candidates.push(x);
  }
  const unhealthy = new Set(candidates.length * 2 < judged.length ? candidates : []);
  return { unhealthy, scores };
}
