import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSlackWebhook, type SlackWebhook } from './slack-webhook.js';

// The stand-in must refuse what Slack refuses and place messages as Slack does
// (fixtures/slack/slash-command-fields.md), or the alerting tests would pass on leniency.
describe('Slack webhook stand-in', () => {
  let slack: SlackWebhook;
  beforeAll(async () => { slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] }); });
  afterAll(async () => { await slack?.stop(); });

  const post = (url: string, body: unknown, type = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) })
      .then(async (r) => [r.status, await r.text()] as const);

  it('the channel is the webhook URL\'s; channel, username and icon in the payload are ignored', async () => {
    expect(await post(slack.webhook('#on-call'), { text: 'hello', channel: '#engineering', username: 'x', icon_emoji: ':x:' })).toEqual([200, 'ok']);
    const m = slack.messages.at(-1)!;
    expect(m.channel).toBe('#on-call');
    expect(m.ignored).toEqual({ channel: '#engineering', username: 'x', icon_emoji: ':x:' });
    expect(slack.inChannel('#engineering')).toEqual([]);
  });

  it('refuses what Slack refuses, and records nothing for it', async () => {
    const url = slack.webhook('#engineering');
    const before = slack.messages.length;
    const cases: [unknown, string, number, string][] = [
      [{ text: 'x' }, 'unknown hook', 404, 'no_service'],
      ['{not json', 'bad JSON', 400, 'invalid_payload'],
      [{}, 'nothing to show', 400, 'no_text'],
      [{ text: 'x'.repeat(40_001) }, 'text too long', 400, 'msg_too_long'],
      [{ blocks: [{ type: 'sparkle' }] }, 'unknown block', 400, 'invalid_blocks'],
      [{ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }, 'header over 150', 400, 'invalid_blocks'],
      [{ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }] }, 'section over 3000', 400, 'invalid_blocks'],
      [{ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, '51 blocks', 400, 'invalid_blocks'],
      [{ blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'mrkdwn', text: 'b' } }] }] }, 'mrkdwn button', 400, 'invalid_blocks'],
      [{ attachments: Array.from({ length: 101 }, () => ({ text: 'a' })) }, '101 attachments', 400, 'too_many_attachments'],
    ];
    for (const [body, what, status, reason] of cases) {
      const target = what === 'unknown hook' ? url.replace(/[^/]+$/, 'guessed') : url;
      expect(await post(target, body), what).toEqual([status, reason]);
    }
    expect(await post(url, 'payload=%7B%7D', 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_payload']);
    expect(slack.messages.length).toBe(before);
    // A valid Block Kit message goes through.
    expect(await post(url, { text: 'fallback', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Outage' } }, { type: 'section', text: { type: 'mrkdwn', text: '*db*' } }] })).toEqual([200, 'ok']);
  });
});
