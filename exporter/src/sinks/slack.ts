/*
 * Slack incident threads as an incident sink: one top message per incident in the configured
 * channel (chat.postMessage when it opens), one thread reply per later change (never coalesced:
 * each update, joining dependent, severity change and the resolution is its own reply), and the
 * top message edited (chat.update) to the incident's current state after each reply.
 *
 * Never posts twice across a lost answer or a kill -9: every message carries metadata naming the
 * incident (and, for replies, the change's seq). Before a postMessage leaves it is marked sent; an
 * attempt that finds a mark without a stored `ts` reads the channel (conversations.history) or the
 * thread (conversations.replies) for that metadata before posting again.
 *
 * Slack's answers: `ok:false` with channel_not_found, not_in_channel, invalid_auth, ... fails the
 * change for good with a log line that says what to fix; ratelimited / HTTP 429 waits for its
 * Retry-After; 5xx, timeouts and network errors retry with the outbox's backoff.
 */
import type { Logger } from 'pino';
import type { SlackConfig } from '../config/types.js';
import { formatId } from '../incidents/ids.js';
import type { DeliveryContext, DeliveryResult, IncidentChange, IncidentSink } from '../incidents/sink.js';
import type { Incident } from '../incidents/types.js';
import { createSlackApi, SlackApiError, type Page, type SlackApi, type SlackMessage } from '../slack-api/client.js';
import { changeReply, incidentKey, REPLY_EVENT, TOP_EVENT, topMessage } from '../slack-api/incident-message.js';
import type { SinkKind } from './types.js';

export const SLACK_SINK = 'slack';

/**
 * How far before the first unanswered post a search starts: clocks differ, and Slack stamps the
 * message when it lands. Pages are 200 messages; 10 pages cover a busy incident channel's day.
 */
const SEARCH_SLACK_MS = 5 * 60_000;
const MAX_PAGES = 10;

/** What an operator must do about a permanent refusal, by Slack's error code. */
const FIX: Record<string, string> = {
  channel_not_found: 'slack.incident_channel is not a channel the bot can see: use the channel id (channel details, bottom)',
  not_in_channel: 'invite the bot to slack.incident_channel (/invite @statusgraph)',
  invalid_auth: 'slack.bot_token is not valid: copy the Bot User OAuth Token (xoxb-...) of the installed app',
  not_authed: 'slack.bot_token is missing',
  token_revoked: 'slack.bot_token was revoked: reinstall the app and copy its new token',
  missing_scope: 'the app lacks a scope: reinstall it from slack/manifest.yml',
  is_archived: 'slack.incident_channel is archived',
};

export interface SlackSinkOptions {
  readonly channel: string;
  readonly pageUrl?: string;
  readonly logger: Logger;
}

type Finder = (page: { cursor?: string }) => Promise<Page>;

/** The first message, across pages, whose metadata matches; undefined when none is found. */
async function findMessage(read: Finder, matches: (m: SlackMessage) => boolean): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await read(cursor ? { cursor } : {});
    const found = page.messages.find(matches);
    if (found) return found.ts;
    if (!page.nextCursor) return undefined;
    cursor = page.nextCursor;
  }
  return undefined;
}

const samePayload = (m: SlackMessage, event: string, want: Record<string, unknown>): boolean =>
  m.metadata?.event_type === event && Object.entries(want).every(([k, v]) => m.metadata!.event_payload[k] === v);

export function slackSink(api: SlackApi, opts: SlackSinkOptions): IncidentSink {
  const { channel, logger } = opts;

  /** The top message's ts: stored, found again after an unanswered post, or posted now. */
  const topTs = async (incident: Incident, ctx: DeliveryContext): Promise<{ ts: string; posted: boolean }> => {
    if (ctx.remote.ref !== null) return { ts: ctx.remote.ref, posted: false };
    const key = incidentKey(incident);
    if (ctx.remote.sentAt !== null) {
      const oldest = ((ctx.remote.sentAt - SEARCH_SLACK_MS) / 1000).toFixed(6);
      const ts = await findMessage((p) => api.history({ channel, oldest, ...p }), (m) => !m.thread_ts && samePayload(m, TOP_EVENT, key));
      if (ts) {
        logger.info({ incident: key.incident, ts }, 'found the top message of an earlier unanswered post');
        return { ts, posted: false };
      }
    }
    await ctx.markSent();
    const { ts } = await api.postMessage({ channel, ...topMessage(incident, opts.pageUrl), metadata: { event_type: TOP_EVENT, event_payload: key } });
    return { ts, posted: true };
  };

  const reply = async (change: IncidentChange, incident: Incident, ts: string, ctx: DeliveryContext): Promise<void> => {
    const payload = { ...incidentKey(incident), seq: change.seq };
    if (ctx.sentAt !== null) {
      const found = await findMessage((p) => api.replies({ channel, ts, ...p }), (m) => m.ts !== ts && samePayload(m, REPLY_EVENT, payload));
      if (found) {
        logger.info({ incident: payload.incident, change: change.seq, ts: found }, 'found the reply of an earlier unanswered post');
        return;
      }
    }
    await ctx.markSent();
    await api.postMessage({ channel, thread_ts: ts, ...changeReply(change, incident), metadata: { event_type: REPLY_EVENT, event_payload: payload } });
  };

  const deliver = async (change: IncidentChange, incident: Incident, ctx: DeliveryContext): Promise<DeliveryResult> => {
    const top = await topTs(incident, ctx);
    // The opening is the top message itself; a sink enabled after the opening starts the thread
    // with whatever change comes first and replies to it as well.
    if (change.kind !== 'opened' || !top.posted) {
      if (change.kind !== 'opened') await reply(change, incident, top.ts, ctx);
      // The edit shows the incident as it is now, so it stands for every earlier edit.
      await api.update({ channel, ts: top.ts, ...topMessage(incident, opts.pageUrl), metadata: { event_type: TOP_EVENT, event_payload: incidentKey(incident) } });
    }
    return { outcome: 'delivered', ref: top.ts };
  };

  return {
    name: SLACK_SINK,
    coalesce: false,
    async deliver(change, incident, ctx) {
      try {
        return await deliver(change, incident, ctx);
      } catch (e) {
        if (!(e instanceof SlackApiError)) throw e;
        if (e.retryable) return { outcome: 'retry', error: e.message, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
        const fix = FIX[e.code];
        logger.error({ incident: formatId(incident.id), change: change.seq, error: e.code, fix }, `Slack refused the incident message (${e.code})${fix ? `: ${fix}` : ''}`);
        return { outcome: 'failed', error: fix ? `${e.message}: ${fix}` : e.message };
      }
    },
    close: () => api.close(),
  };
}

export const slackSinks: SinkKind = {
  kind: 'slack',
  build(config, deps) {
    const s: SlackConfig | undefined = config.slack;
    if (!s?.botToken || !s.incidentChannel) return [];
    const api = createSlackApi({ token: s.botToken, ...(s.apiUrl ? { baseUrl: s.apiUrl } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    return [slackSink(api, { channel: s.incidentChannel, ...(s.pageUrl ? { pageUrl: s.pageUrl } : {}), logger: deps.logger.child({ worker: 'slack-threads' }) })];
  },
};
