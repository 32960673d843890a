import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackApi, type SlackApiStandIn } from './slack-api.js';

// A response_url is as strict as Slack's (fixtures/slack/slash-command-fields.md: "valid 30
// minutes, up to 5 uses"), or a command test would pass on a follow-up Slack drops.
describe('Slack Web API stand-in: response_url', () => {
  let clock = Date.now();
  let slack: SlackApiStandIn;
  beforeAll(async () => { slack = await startSlackApi({ now: () => clock }); });
  afterAll(async () => { await slack?.close(); });
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
      .then(async (r) => [r.status, ((await r.json()) as { error?: string }).error ?? 'ok'] as const);

  it('takes five uses, answers used_url to the sixth, and refused bodies do not count', async () => {
    const url = slack.responseUrl();
    expect(await post(url, {})).toEqual([400, 'no_text']);
    expect(await post(url, '{oops')).toEqual([400, 'invalid_payload']);
    expect(await post(url, { text: 'x', response_type: 'everyone' })).toEqual([400, 'invalid_payload']);
    expect(await post(url, { text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] })).toEqual([400, 'invalid_blocks']);
    for (let i = 1; i <= 5; i++) expect(await post(url, { text: `use ${i}` })).toEqual([200, 'ok']);
    expect(await post(url, { text: 'use 6' })).toEqual([404, 'used_url']);
    expect(slack.responses.filter((r) => r.url === url).map((r) => r.body.text)).toEqual(['use 1', 'use 2', 'use 3', 'use 4', 'use 5']);
    expect(slack.refusedResponses.filter((r) => r.url === url).map((r) => r.error)).toEqual(['no_text', 'invalid_payload', 'invalid_payload', 'invalid_blocks', 'used_url']);
  });

  it('expires 30 minutes after it was issued', async () => {
    const url = slack.responseUrl();
    clock += 29 * 60_000;
    expect(await post(url, { text: 'in time' })).toEqual([200, 'ok']);
    clock += 60_001;
    expect(await post(url, { text: 'too late' })).toEqual([404, 'expired_url']);
  });

  it('gives a message its permalink, and message_not_found for an unknown ts', async () => {
    const form = (method: string, args: Record<string, string>) => fetch(`${slack.url}/${method}`, {
      method: 'POST', headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(args).toString(),
    }).then((r) => r.json() as Promise<{ ok: boolean; ts?: string; permalink?: string; error?: string }>);
    const posted = await fetch(`${slack.url}/chat.postMessage`, {
      method: 'POST', headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'C0INCIDENT', text: 'top' }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    const link = await form('chat.getPermalink', { channel: 'C0INCIDENT', message_ts: posted.ts });
    expect(link.permalink).toBe(`https://statusgraph-test.slack.com/archives/C0INCIDENT/p${posted.ts.replace('.', '')}`);
    expect((await form('chat.getPermalink', { channel: 'C0INCIDENT', message_ts: '1.000000' })).error).toBe('message_not_found');
  });
});
