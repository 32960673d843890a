/*
 * Replay defence for signed Slack requests. The signature check (verify.ts) admits a request for
 * five minutes either side of its timestamp; within that window the same bytes, sent again,
 * verify again. Each signature admitted is remembered until its timestamp leaves the window, and
 * a second request with it is not run.
 *
 * Memory is bounded: only requests that passed verification (signed with our secret) get here,
 * so filling the set needs Slack itself. 10,000 entries (~1.3 MB) is 33 commands a second for
 * five minutes, far beyond a team's use; past it, the oldest entry is dropped.
 */
import { REPLAY_WINDOW_SECONDS } from './verify.js';

const MAX_REMEMBERED = 10_000;

export class ReplayGuard {
  /** Signature -> when it may be forgotten (ms); insertion order is arrival order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /**
   * Records a verified request; false when the same signature was already admitted within the
   * window (a replay: run nothing).
   */
  admit(signature: string, timestampSeconds: number): boolean {
    const now = this.now();
    for (const [sig, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(sig);
    }
    const until = this.seen.get(signature);
    if (until !== undefined && until > now) return false;
    while (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    // Past this instant the timestamp check itself refuses the request.
    this.seen.set(signature, (timestampSeconds + REPLAY_WINDOW_SECONDS) * 1_000 + 1_000);
    return true;
  }
}
