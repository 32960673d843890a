import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackRequest } from '../../src/slack/verify.js';

const example = JSON.parse(fs.readFileSync(new URL('./fixtures/signing-example.json', import.meta.url), 'utf8')) as {
  signing_secret: string; timestamp: string; body: string; expected_signature: string;
};

describe('slack signature', () => {
  const at = Number(example.timestamp) * 1000;
  const base = { secret: example.signing_secret, timestamp: example.timestamp, signature: example.expected_signature, rawBody: Buffer.from(example.body), nowMs: at };

  it("verifies Slack's published example", () => {
    expect(slackSignature(example.signing_secret, example.timestamp, example.body)).toBe(example.expected_signature);
    expect(verifySlackRequest(base)).toEqual({ ok: true });
  });

  it('refuses a changed body, a changed signature, and a signature of another length', () => {
    expect(verifySlackRequest({ ...base, rawBody: Buffer.from(`${example.body}x`) })).toEqual({ ok: false, reason: 'bad signature' });
    const flipped = example.expected_signature.slice(0, -1) + (example.expected_signature.endsWith('0') ? '1' : '0');
    expect(verifySlackRequest({ ...base, signature: flipped })).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifySlackRequest({ ...base, signature: 'v0=abc' })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('applies the five-minute replay window on both sides of the clock', () => {
    expect(verifySlackRequest({ ...base, nowMs: at + 300_000 }).ok).toBe(true);
    expect(verifySlackRequest({ ...base, nowMs: at + 301_000 })).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
    expect(verifySlackRequest({ ...base, nowMs: at - 360_000 }).ok).toBe(false);
  });

  it('names a missing header or a malformed timestamp', () => {
    expect(verifySlackRequest({ ...base, timestamp: undefined })).toEqual({ ok: false, reason: 'missing X-Slack-Request-Timestamp' });
    expect(verifySlackRequest({ ...base, signature: undefined })).toEqual({ ok: false, reason: 'missing X-Slack-Signature' });
    expect(verifySlackRequest({ ...base, timestamp: '1531420618.5' })).toEqual({ ok: false, reason: 'malformed timestamp' });
  });
});
