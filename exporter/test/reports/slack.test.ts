import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { postToSlack, SlackPostError } from '../../src/reports/index.js';
import { retryAfterMs, splitMarkdown } from '../../src/reports/slack.js';
import { startSlackWebhook, type SlackWebhook } from '../../../test/support/slack-webhook.js';

describe('postToSlack', () => {
  let slack: SlackWebhook;
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => { waits.push(ms); };

  beforeAll(async () => { slack = await startSlackWebhook(); });
  afterAll(async () => { await slack.stop(); });
  beforeEach(() => { waits.length = 0; });

  it('posts the report as a markdown block with its title as text', async () => {
    const before = slack.messages.length;
    await postToSlack(slack.url, '# statusgraph daily report, 2026-11-21\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    const msg = slack.messages[before];
    expect(msg?.body.text).toBe('statusgraph daily report, 2026-11-21');
    expect(msg?.body.blocks).toEqual([{ type: 'markdown', text: '# statusgraph daily report, 2026-11-21\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' }]);
  });

  it('waits for Retry-After on 429 and then delivers', async () => {
    const before = slack.messages.length;
    slack.failNext(2, 429, 'rate_limited', { 'retry-after': '3' });
    await postToSlack(slack.url, '# r\nbody', undefined, { sleep });
    expect(waits).toEqual([3000, 3000]);
    expect(slack.messages.length).toBe(before + 1);
  });

  it('fails clearly on a 4xx, without the secret webhook path in the message', async () => {
    slack.failNext(1, 404, 'no_service');
    const err = await postToSlack(slack.url, '# r\nbody', undefined, { sleep }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackPostError);
    expect((err as SlackPostError).status).toBe(404);
    expect((err as Error).message).toMatch(/rejected the report: 404 no_service/);
    expect((err as Error).message).not.toContain('/services/');
    expect(waits).toEqual([]);
  });

  it('gives up after repeated 429s', async () => {
    slack.failNext(5, 429, 'rate_limited', { 'retry-after': '1' });
    await expect(postToSlack(slack.url, '# r', undefined, { sleep })).rejects.toThrow(/still answering 429 after 5 attempts/);
    expect(waits).toHaveLength(4);
  });

  it('rejects a bad URL and an empty report before sending anything', async () => {
    const before = slack.messages.length + slack.rejected.length;
    await expect(postToSlack('not a url', '# r')).rejects.toThrow('invalid Slack webhook URL');
    await expect(postToSlack(slack.url, '  \n')).rejects.toThrow('empty report');
    expect(slack.messages.length + slack.rejected.length).toBe(before);
  });

  it('splits reports over the Slack limit into several messages at line breaks', async () => {
    const line = `| component-${'x'.repeat(80)} | 99.000% |`;
    const md = ['# big report', ...Array.from({ length: 300 }, () => line)].join('\n');
    const before = slack.messages.length;
    await postToSlack(slack.url, md, undefined, { sleep });
    const sent = slack.messages.slice(before);
    expect(sent.length).toBe(splitMarkdown(md).length);
    expect(sent.length).toBeGreaterThan(1);
    const texts = sent.map((m) => String(m.body.blocks?.[0]?.text));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(12_000);
    expect(texts.join('\n')).toBe(md);
    expect(sent[0]?.body.text).toBe(`big report (1/${sent.length})`);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(undefined)).toBe(1000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBe(1000);
  });
});

describe('the Slack webhook stand-in enforces the published format', () => {
  let slack: SlackWebhook;
  beforeAll(async () => { slack = await startSlackWebhook({ minIntervalMs: 60_000 }); });
  afterAll(async () => { await slack.stop(); });

  const post = (body: string, type = 'application/json') => fetch(slack.url, { method: 'POST', headers: { 'content-type': type }, body });

  it('answers 400 with Slack\'s reason to bodies Slack would reject, and records nothing', async () => {
    for (const [body, type, reason] of [
      ['not json', 'application/json', 'invalid_payload'],
      ['{}', 'application/json', 'no_text'],
      ['{"text":"  "}', 'application/json', 'no_text'],
      ['{"blocks":[{}]}', 'application/json', 'invalid_blocks'],
      ['text=hi', 'application/x-www-form-urlencoded', 'invalid_payload'],
    ] as const) {
      const r = await post(body, type);
      expect(r.status, body).toBe(400);
      expect(await r.text(), body).toBe(reason);
    }
    expect(slack.messages).toHaveLength(0);
  });

  it('answers 200 ok to text or blocks, and 429 with Retry-After when posted to faster than allowed', async () => {
    const ok = await post(JSON.stringify({ text: 'hello' }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');
    const limited = await post(JSON.stringify({ blocks: [{ type: 'markdown', text: '# again' }] }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(slack.messages.map((m) => m.text)).toEqual(['hello']);
  });
});
