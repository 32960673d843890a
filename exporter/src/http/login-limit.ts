/*
 * Per-client limit on failed sign-ins: a token bucket per address. 10 failures in a row are
 * allowed (typos), then one more every 6 s (10 a minute): a guesser gets 14,400 tries a day
 * instead of the ~90 a second measured without a limit (issue 14: 300 in 3.3 s). A success costs
 * nothing, and a refused client is told when to come back (Retry-After).
 */
const CAPACITY = 10;
const REFILL_MS = 6_000;
/** Bounded: past this many clients, full (idle) buckets are forgotten first, then the oldest. */
const MAX_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class LoginLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Seconds the client must wait before its next attempt; 0 when it may try now. */
  retryAfterSeconds(client: string): number {
    const b = this.refilled(client);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) * REFILL_MS) / 1_000);
  }

  /** Records a failed attempt. */
  fail(client: string): void {
    const b = this.refilled(client);
    b.tokens = Math.max(0, b.tokens - 1);
    this.buckets.delete(client);
    this.buckets.set(client, b);
    this.bound();
  }

  private refilled(client: string): Bucket {
    const now = this.now();
    const b = this.buckets.get(client);
    if (!b) return { tokens: CAPACITY, at: now };
    b.tokens = Math.min(CAPACITY, b.tokens + (now - b.at) / REFILL_MS);
    b.at = now;
    return b;
  }

  private bound(): void {
    if (this.buckets.size <= MAX_CLIENTS) return;
    const now = this.now();
    for (const [k, b] of this.buckets) {
      if (b.tokens + (now - b.at) / REFILL_MS >= CAPACITY) this.buckets.delete(k);
    }
    while (this.buckets.size > MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
