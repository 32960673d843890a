/*
 * Retry-After as a sink's `retryAfterMs` (sink.ts): shared by every sink that talks HTTP (the
 * webhook sink, the Slack Web API client), so that they read the header the same way.
 */

/** A Retry-After beyond this is treated as this: one hour of silence is already an outage of its own. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}
