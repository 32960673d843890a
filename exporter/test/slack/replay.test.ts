/*
 * A replayed Slack command (same signature, timestamp and body) inside the 5-minute window is
 * not run again (issue 14, item 9): it gets a 200 that says so, and no second incident opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../src/slack/verify.js';
import { ReplayGuard } from '../../src/slack/replay.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../incidents/app.js';

let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });

function signed(text: string, ts = Math.floor(Date.now() / 1000)) {
  const body = new URLSearchParams({ command: '/incident', text, user_name: 'mallory' }).toString();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(SIGNING_SECRET, String(ts), body),
  };
  return { body, headers };
}

describe('Slack replay', () => {
  it('runs a command once; the same request again gets 200 and changes nothing', async () => {
    const ts0 = Math.floor(Date.now() / 1000);
    const req = signed('create Checkout down --component mail', ts0);
    const first = await fetch(`${app.url}/slack/commands`, { method: 'POST', ...req });
    expect(first.status).toBe(200);
    expect(((await first.json()) as { text: string }).text).toContain('opened by @mallory');
    const before = app.dump();
    const again = await fetch(`${app.url}/slack/commands`, { method: 'POST', ...req });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ response_type: 'ephemeral', text: 'This command was already received; it was not run again.' });
    expect(app.dump()).toEqual(before);
    expect((await app.incidents.service.list({ state: 'open', limit: 100 })).filter((i) => i.title === 'Checkout down')).toHaveLength(1);
    // The same text typed again is a new request (new timestamp, new signature): it runs.
    const retyped = await fetch(`${app.url}/slack/commands`, { method: 'POST', ...signed('create Checkout down --component mail', ts0 - 1) });
    expect(((await retyped.json()) as { text: string }).text).toContain('opened by @mallory');
  });

  it('forgets a signature once its timestamp has left the window, and stays bounded', async () => {
    let now = 1_000_000_000;
    const g = new ReplayGuard(() => now);
    const ts = now / 1000;
    expect(g.admit('v0=a', ts)).toBe(true);
    expect(g.admit('v0=a', ts)).toBe(false);
    now += 299_000;
    expect(g.admit('v0=a', ts)).toBe(false);
    // By now the signature check refuses the timestamp anyway; the entry may go.
    now += 3_000;
    expect(g.admit('v0=a', ts)).toBe(true);
    for (let i = 0; i < 10_050; i++) g.admit(`v0=${i}`, now / 1000);
    // The oldest were dropped to stay within 10,000; the newest are still refused.
    expect(g.admit('v0=10049', now / 1000)).toBe(false);
    expect(g.admit('v0=0', now / 1000)).toBe(true);
  });
});
