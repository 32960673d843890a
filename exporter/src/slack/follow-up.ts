/*
 * The slow half of a slash command, through its `response_url` once the HTTP answer has left:
 * Slack wants the answer within 3 s, and posting the incident's thread can take longer (the
 * outbox waits out a 429's Retry-After, retries a Slack outage with backoff). When the Slack sink
 * has delivered what the command wrote, the channel where it was typed gets a link to the thread;
 * if it has not within `waitMs` (under the URL's 30 minutes), the caller is told so, once.
 * One or two of the URL's five uses (fixtures/slack: "valid 30 minutes, up to 5 uses").
 */
import { formatId } from '../incidents/ids.js';
import type { SlackApi } from '../slack-api/client.js';
import { section } from '../slack-api/mrkdwn.js';

/** How long a follow-up waits for the thread: under the response_url's 30 minutes, with room to post. */
export const FOLLOW_UP_WAIT_MS = 25 * 60_000;

export interface ThreadSource {
  readonly channel: string;
  /** The incident's top message `ts` once the thread has every change logged so far; undefined on timeout. */
  delivered(incidentId: number, timeoutMs: number): Promise<string | undefined>;
}

export async function followUp(
  api: SlackApi, source: ThreadSource, responseUrl: string, thread: { incidentId: number; label: string }, waitMs = FOLLOW_UP_WAIT_MS,
): Promise<void> {
  const ts = await source.delivered(thread.incidentId, waitMs);
  if (ts === undefined) {
    const text = `:warning: ${formatId(thread.incidentId)} is recorded, but its Slack thread is not up to date yet; statusgraph keeps trying (see its log)`;
    await api.respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text, blocks: [section(text)] });
    return;
  }
  const link = await api.permalink(source.channel, ts);
  const text = `:speech_balloon: <${link}|${thread.label}>`;
  await api.respond(responseUrl, { response_type: 'in_channel', replace_original: false, text, blocks: [section(text)] });
}
