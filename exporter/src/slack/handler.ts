/*
 * The `/incident` slash command: runs one verified command against the incident service and words
 * the reply. The HTTP route (signature check, form) is http/routes/slack.ts.
 */
import { StatusgraphError } from '../errors.js';
import { formatDuration } from '../incidents/format.js';
import { formatId } from '../incidents/ids.js';
import type { IncidentService } from '../incidents/service.js';
import type { Incident } from '../incidents/types.js';
import { createIncidentBody, parseBody, updateIncidentBody } from '../incidents/validation.js';
import { HELP_TEXT, parseSlackCommand } from './command.js';
import { runPublish, type SlackPublishing } from './publish-command.js';
import { escapeSlack, section } from '../slack-api/mrkdwn.js';

export interface SlackReply {
  readonly response_type: 'ephemeral' | 'in_channel';
  /** The notification and fallback text; `blocks` hold the same as Block Kit. */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

export { escapeSlack };

const LIST_LIMIT = 20;

const reply = (response_type: SlackReply['response_type'], text: string): SlackReply => ({ response_type, text, blocks: [section(text)] });
const ephemeral = (text: string): SlackReply => reply('ephemeral', text);
const inChannel = (text: string): SlackReply => reply('in_channel', text);

function listLine(i: Incident): string {
  return `• *${formatId(i.id)}* [${i.severity}] ${escapeSlack(i.title)} (${i.status} since ${new Date(i.startedAt).toISOString()}; ${escapeSlack(i.components.join(', ') || 'no components')})`;
}

export interface SlackCommandDeps {
  readonly service: IncidentService;
  /** Audience pages, for `/incident publish`; absent when the HTTP layer has none to offer. */
  readonly publishing?: SlackPublishing;
}

export interface SlackCommandResult {
  /** The HTTP answer, sent at once (Slack's 3 s). */
  readonly reply: SlackReply;
  /**
   * The incident whose Slack thread the command wrote to, and how the follow-up through
   * `response_url` names the thread once it has it (slack/follow-up.ts).
   */
  readonly thread?: { readonly incidentId: number; readonly label: string };
}

/**
 * Runs one verified command; every failure becomes an ephemeral reply. The write itself is a local
 * transaction done before the answer (Slack never resends a command, so an answer given before
 * the write could be a command lost to a crash); what waits on Slack is the follow-up's.
 */
export async function runSlackCommand(deps: SlackCommandDeps, text: string, user: string, now: number): Promise<SlackCommandResult> {
  const cmd = parseSlackCommand(text);
  const author = `@${user}`;
  const { service } = deps;
  try {
    switch (cmd.kind) {
      case 'help':
        return { reply: ephemeral(HELP_TEXT) };
      case 'error':
        return { reply: ephemeral(`:warning: ${escapeSlack(cmd.message)}`) };
      case 'list': {
        const open = await service.list({ state: 'open', limit: 1000 });
        if (!open.length) return { reply: ephemeral('No open incidents.') };
        // Slack truncates long messages; the newest are the ones people ask about.
        const shown = open.slice(0, LIST_LIMIT).map(listLine);
        if (open.length > LIST_LIMIT) shown.push(`…and ${open.length - LIST_LIMIT} more`);
        return { reply: ephemeral(`Open incidents (${open.length}):\n${shown.join('\n')}`) };
      }
      case 'create': {
        const body = parseBody(createIncidentBody, { title: cmd.title, components: cmd.components, ...(cmd.severity ? { severity: cmd.severity } : {}) }, 'command');
        const inc = await service.createManual({ title: body.title, components: body.components, author, ...(body.severity ? { severity: body.severity } : {}) });
        return {
          reply: inChannel(`:rotating_light: *${formatId(inc.id)}* opened by ${escapeSlack(author)}: ${escapeSlack(inc.title)}\nSeverity: ${inc.severity} • Components: ${escapeSlack(inc.components.join(', '))}`),
          thread: { incidentId: inc.id, label: `${formatId(inc.id)}'s thread` },
        };
      }
      case 'update': {
        const body = parseBody(updateIncidentBody, { text: cmd.text, ...(cmd.status ? { status: cmd.status } : {}) }, 'command');
        const inc = await service.addUpdate(cmd.id, { text: body.text, author, ...(body.status ? { status: body.status } : {}) });
        return { reply: inChannel(`*${formatId(inc.id)}* update by ${escapeSlack(author)} [${inc.status}]: ${escapeSlack(body.text)}`) };
      }
      case 'resolve': {
        const inc = await service.resolve(cmd.id, { author, ...(cmd.text ? { text: cmd.text } : {}) });
        const took = formatDuration((inc.resolvedAt ?? now) - inc.startedAt);
        return { reply: inChannel(`:white_check_mark: *${formatId(inc.id)}* resolved by ${escapeSlack(author)} after ${took}${cmd.text ? `: ${escapeSlack(cmd.text)}` : ''}`) };
      }
      case 'publish':
        return {
          reply: inChannel(await runPublish(deps.publishing, service, cmd, author)),
          thread: { incidentId: cmd.id, label: `Noted in ${formatId(cmd.id)}'s thread` },
        };
    }
  } catch (e) {
    // The caller's mistakes (4xx) are told to the caller only; anything else is the server's.
    if (e instanceof StatusgraphError && e.status < 500) return { reply: ephemeral(`:warning: ${escapeSlack(e.message)}`) };
    throw e;
  }
}
