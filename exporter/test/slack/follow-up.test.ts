import { describe, expect, it } from 'vitest';
import type { SlackApi } from '../../src/slack-api/client.js';
import { followUp } from '../../src/slack/follow-up.js';

/** The slice of the Web API a follow-up uses, recording what it is asked. */
function api(): SlackApi & { said: unknown[]; asked: string[] } {
  const said: unknown[] = [];
  const asked: string[] = [];
  const unused = async (): Promise<never> => { throw new Error('not used by a follow-up'); };
  return {
    said, asked,
    postMessage: unused, update: unused, history: unused, replies: unused, openView: unused,
    async permalink(channel, ts) { asked.push(`${channel}/${ts}`); return `https://x.slack.com/archives/${channel}/p${ts.replace('.', '')}`; },
    async respond(url, body) { said.push({ url, body }); },
    async close() {},
  };
}

describe('a slash command\'s follow-up through response_url', () => {
  it('links the thread once the sink has it, in the channel, without replacing the answer', async () => {
    const a = api();
    const waited: number[] = [];
    await followUp(a, { channel: 'C1', delivered: async (id, ms) => { waited.push(id, ms); return '17.000100'; } }, 'https://r', { incidentId: 4, label: "INC-4's thread" }, 1234);
    expect(waited).toEqual([4, 1234]);
    expect(a.asked).toEqual(['C1/17.000100']);
    expect(a.said).toEqual([{ url: 'https://r', body: expect.objectContaining({ response_type: 'in_channel', replace_original: false, text: ":speech_balloon: <https://x.slack.com/archives/C1/p17000100|INC-4's thread>" }) }]);
  });

  it('tells the caller alone when the thread is not there in time, and links nothing', async () => {
    const a = api();
    await followUp(a, { channel: 'C1', delivered: async () => undefined }, 'https://r', { incidentId: 4, label: 'x' });
    expect(a.asked).toEqual([]);
    expect(a.said).toEqual([{ url: 'https://r', body: expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('INC-4 is recorded, but its Slack thread is not up to date yet') }) }]);
  });
});
