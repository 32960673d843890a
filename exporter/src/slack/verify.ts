/*
 * Slack request signing: HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed by the signing secret,
 * hex, prefixed `v0=`; timestamps more than five minutes from our clock are refused (replays).
 */
import crypto from 'node:crypto';

export const REPLAY_WINDOW_SECONDS = 300;

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface VerifyInput {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: Buffer;
  readonly nowMs: number;
}

export function verifySlackRequest({ secret, timestamp, signature, rawBody, nowMs }: VerifyInput): VerifyResult {
  if (!timestamp) return { ok: false, reason: 'missing X-Slack-Request-Timestamp' };
  if (!signature) return { ok: false, reason: 'missing X-Slack-Signature' };
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
    return { ok: false, reason: 'timestamp outside the 5-minute window' };
  }
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of the input.
  const sameLength = given.length === expected.length;
  const equal = crypto.timingSafeEqual(sameLength ? given : expected, expected);
  return sameLength && equal ? { ok: true } : { ok: false, reason: 'bad signature' };
}
