import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlackCommand } from '../../src/slack/handler.js';
import { startTestApp, type TestApp } from '../incidents/app.js';

let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });

describe('runSlackCommand', () => {
  it('lists the newest 20 open incidents and counts the rest', async () => {
    for (let i = 1; i <= 25; i++) await app.incidents.service.createManual({ title: `Issue ${i}`, components: ['mail'], author: '@ops' });
    const { reply } = await runSlackCommand({ service: app.incidents.service }, 'list', 'ops', Date.now());
    expect(reply.response_type).toBe('ephemeral');
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe('Open incidents (25):');
    expect(lines.slice(1, 21).map((l) => /\*(INC-\d+)\*/.exec(l)![1])).toEqual(Array.from({ length: 20 }, (_, i) => `INC-${25 - i}`));
    expect(lines[21]).toBe('…and 5 more');
  });

  it("escapes Slack's control characters in user text", async () => {
    const { reply } = await runSlackCommand({ service: app.incidents.service }, 'create <!channel> & friends --component mail', 'ops', Date.now());
    expect(reply.text).toContain('&lt;!channel&gt; &amp; friends');
    expect(reply.text).not.toContain('<!channel>');
  });
});
