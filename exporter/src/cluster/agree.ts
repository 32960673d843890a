import type { ProbeResult } from '../engine/round.js';

/*
 * The agreement rule (docs/cluster.md, "Agreement"): each probe of a component is decided on its
 * own from the latest result of each of its probers that is trusted (a healthy checker) and fresh.
 *   - Results that could not tell (inconclusive) do not vote, unless no result is conclusive.
 *   - The probe fails only when a strict majority saw it fail: of the conclusive voters, and of
 *     the component's trusted probers even when some of them have not reported yet (2 of 2, 2 of
 *     3, 3 of 4). One prober of two failing is a tie, and a tie is not an outage: one broken route
 *     must not page anyone, not even in the second before the other prober's answer arrives.
 *   - A failing minority with no success to show is undecided: the component keeps its state
 *     until enough probers report (or the membership shrinks and fewer are expected).
 *   - Otherwise it succeeded, with the latency (and the rest of the result: measurements,
 *     degradation, reported state) of the successful voter with the median latency, the lower of
 *     the two middle ones for an even count: one slow route does not make a component degraded,
 *     a majority of slow routes does.
 * A failing probe keeps the reason of the first failing voter by replica name, so that the text
 * of a state change is the same on every replica that computes it.
 */

/** One prober's latest round of one component. */
export interface Vote {
  readonly replica: string;
  /** In the component's probe order. */
  readonly results: readonly ProbeResult[];
}

const byReplica = (a: { replica: string }, b: { replica: string }) => (a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0);

/**
 * One probe's agreed result from its voters' results; undefined when undecided. `expected`: the
 * trusted probers of the component, whether they reported or not.
 */
export function agreeProbe(voters: readonly { replica: string; result: ProbeResult }[], expected = 0): ProbeResult | undefined {
  if (voters.length === 0) return undefined;
  const sorted = [...voters].sort((a, b) => byReplica(a, b));
  const conclusive = sorted.filter((v) => !v.result.outcome.inconclusive);
  if (conclusive.length === 0) return sorted[0]!.result;
  const at = Math.max(...voters.map((v) => v.result.at));
  const failed = conclusive.filter((v) => !v.result.outcome.success);
  if (failed.length * 2 > Math.max(conclusive.length, expected)) return { ...failed[0]!.result, at };
  const ok = conclusive.filter((v) => v.result.outcome.success)
    .sort((a, b) => a.result.outcome.durationSeconds - b.result.outcome.durationSeconds || byReplica(a, b));
  if (ok.length === 0) return undefined;
  return { ...ok[Math.floor((ok.length - 1) / 2)]!.result, at };
}

/**
 * The agreed round of a component with `probes` probes from its voters' rounds; undefined when a
 * probe is undecided or has no voter (a voter's round from an older config with fewer probes, say).
 */
export function agree(votes: readonly Vote[], probes: number, expected = 0): ProbeResult[] | undefined {
  const out: ProbeResult[] = [];
  for (let j = 0; j < probes; j++) {
    const voters = votes.filter((v) => v.results.length === probes).map((v) => ({ replica: v.replica, result: v.results[j]! }));
    const r = agreeProbe(voters, expected);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

/** Whether a round says the component is failing: any probe failed conclusively. */
export function roundFailed(results: readonly ProbeResult[]): boolean {
  return results.some((r) => !r.outcome.success && !r.outcome.inconclusive);
}
