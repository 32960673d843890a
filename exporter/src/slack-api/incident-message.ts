/*
 * What an incident looks like in its Slack thread (pure): the top message (edited to the
 * incident's current state, with the Acknowledge / Post update / Resolve buttons while it is open),
 * one reply per change, and the metadata that lets a retry find a message whose answer was lost.
 * Texts stay inside Block Kit's limits (header 150, section 3,000, field 2,000 characters).
 */
import { formatDuration } from '../incidents/format.js';
import { formatId } from '../incidents/ids.js';
import type { IncidentChange } from '../incidents/sink.js';
import type { Incident, Status, TimelineEntry } from '../incidents/types.js';
import { clip, escapeSlack, section } from './mrkdwn.js';

/** Metadata event types (message metadata: `{event_type, event_payload}`). */
export const TOP_EVENT = 'statusgraph_incident';
export const REPLY_EVENT = 'statusgraph_incident_change';

/** Button action ids, read back by the interactivity route (slack/interactions.ts). */
export const ACTION = { ack: 'incident_ack', update: 'incident_update', resolve: 'incident_resolve' } as const;

export interface SlackText { readonly text: string; readonly blocks: readonly Record<string, unknown>[] }

const STATUS_EMOJI: Record<Status, string> = {
  investigating: ':rotating_light:',
  identified: ':mag:',
  monitoring: ':eyes:',
  resolved: ':white_check_mark:',
};

/**
 * What identifies an incident's messages in a channel: its id and its start time, so that two
 * statusgraph installs posting to one channel (both with an INC-1) never take each other's message.
 */
export function incidentKey(i: Incident): { incident: string; started: number } {
  return { incident: formatId(i.id), started: i.startedAt };
}

const names = (list: readonly string[]): string => (list.length ? escapeSlack(list.join(', ')) : 'none');
const field = (label: string, value: string) => ({ type: 'mrkdwn', text: clip(`*${label}*\n${value}`, 2000) });

function links(i: Incident, pageUrl: string | undefined): Record<string, unknown>[] {
  if (!pageUrl) return [];
  const record = `${pageUrl}/api/v1/incidents/${formatId(i.id)}`;
  return [{ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`<${pageUrl}|Status page> · <${record}|${formatId(i.id)} record>`, 3000) }] }];
}

function buttons(i: Incident): Record<string, unknown>[] {
  if (i.resolvedAt !== null) return [];
  const value = formatId(i.id);
  const button = (text: string, action_id: string, style?: 'primary' | 'danger') =>
    ({ type: 'button', text: { type: 'plain_text', text }, action_id, value, ...(style ? { style } : {}) });
  return [{
    type: 'actions',
    block_id: 'incident_actions',
    elements: [button('Acknowledge', ACTION.ack, 'primary'), button('Post update', ACTION.update), button('Resolve', ACTION.resolve, 'danger')],
  }];
}

/** The top message: the incident as it is now. */
export function topMessage(i: Incident, pageUrl?: string): SlackText {
  const id = formatId(i.id);
  const headline = `${STATUS_EMOJI[i.status]} ${id} [${i.severity}] ${escapeSlack(i.title)}: ${i.status}`;
  const when = i.resolvedAt === null
    ? field('Started', `<!date^${Math.floor(i.startedAt / 1000)}^{date_short_pretty} {time}|${new Date(i.startedAt).toISOString()}>`)
    : field('Resolved after', formatDuration(i.resolvedAt - i.startedAt));
  return {
    text: clip(headline, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(`${id}: ${i.title}`, 150) } },
      {
        type: 'section',
        fields: [
          field('Status', `${STATUS_EMOJI[i.status]} ${i.status}`),
          field('Severity', i.severity),
          field('Root cause', i.rootCause ? escapeSlack(i.rootCause) : 'not known (opened by hand)'),
          when,
        ],
      },
      section(`*Affected:* ${names(i.components)}\n*Blast radius:* ${names(i.blastRadius)}\n*Took down:* ${names(i.tookDown)}`),
      ...links(i, pageUrl),
      ...buttons(i),
    ],
  };
}

function entryLine(e: TimelineEntry, i: Incident): string {
  const by = e.author === 'statusgraph' ? '' : ` (${escapeSlack(e.author)})`;
  switch (e.kind) {
    case 'resolved': {
      const took = i.resolvedAt === null ? '' : ` after ${formatDuration(i.resolvedAt - i.startedAt)}`;
      return `:white_check_mark: *Resolved*${took}${by}: ${escapeSlack(e.text)}`;
    }
    case 'update':
      return `:speech_balloon: *Update*${e.status ? ` [${e.status}]` : ''}${by}: ${escapeSlack(e.text)}`;
    case 'severity':
      return `:arrow_up: *Severity*${by}: ${escapeSlack(e.text)}`;
    case 'joined':
      return `:heavy_plus_sign: *Joined*: ${escapeSlack(e.text)}`;
    case 'public': {
      // The note ends with the public incident's address (pages/publish.ts): the link goes first,
      // so cutting a long text to Block Kit's 3,000 characters never cuts the link.
      const m = /^([\s\S]*) (https?:\/\/\S+)$/.exec(e.text);
      const link = m ? ` <${escapeSlack(m[2]!)}|public incident>` : '';
      return `:loudspeaker: *Customers told*${by}${link}: ${escapeSlack(m ? m[1]! : e.text)}`;
    }
    default:
      return `• ${escapeSlack(e.text)}${by}`;
  }
}

/** One thread reply for one change: each timeline entry it wrote, one line each. */
export function changeReply(change: IncidentChange, i: Incident): SlackText {
  const lines = change.entries.map((e) => entryLine(e, i));
  const body = lines.length ? lines.join('\n') : `${formatId(i.id)} ${change.kind}`;
  return { text: clip(body, 3000), blocks: [section(body)] };
}
