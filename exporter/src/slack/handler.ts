/*
 * POST /slack/commands: the `/incident` slash command. The raw body is read first (the signature
 * covers its exact bytes), verified, and only then parsed as a form.
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { BadRequestError } from '../incidents/errors.js';
import { formatDuration } from '../incidents/format.js';
import { formatId } from '../incidents/ids.js';
import type { IncidentService } from '../incidents/service.js';
import type { Incident } from '../incidents/types.js';
import { createIncidentBody, parseBody, updateIncidentBody } from '../incidents/validation.js';
import { HELP_TEXT, parseSlackCommand } from './command.js';
import { verifySlackRequest } from './verify.js';
import { ReplayGuard } from './replay.js';

export interface SlackReply {
  readonly response_type: 'ephemeral' | 'in_channel';
  readonly text: string;
}

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LIST_LIMIT = 20;

const ephemeral = (text: string): SlackReply => ({ response_type: 'ephemeral', text });
const inChannel = (text: string): SlackReply => ({ response_type: 'in_channel', text });

function listLine(i: Incident): string {
  return `• *${formatId(i.id)}* [${i.severity}] ${escapeSlack(i.title)} (${i.status} since ${new Date(i.startedAt).toISOString()}; ${escapeSlack(i.components.join(', ') || 'no components')})`;
}

/** Runs one verified command; every failure becomes an ephemeral reply. */
export function runSlackCommand(service: IncidentService, text: string, user: string, now: number): SlackReply {
  const cmd = parseSlackCommand(text);
  const author = `@${user}`;
  try {
    switch (cmd.kind) {
      case 'help':
        return ephemeral(HELP_TEXT);
      case 'error':
        return ephemeral(`:warning: ${escapeSlack(cmd.message)}`);
      case 'list': {
        const open = service.list({ state: 'open', limit: 1000 });
        if (!open.length) return ephemeral('No open incidents.');
        // Slack truncates long messages; the newest are the ones people ask about.
        const shown = open.slice(0, LIST_LIMIT).map(listLine);
        if (open.length > LIST_LIMIT) shown.push(`…and ${open.length - LIST_LIMIT} more`);
        return ephemeral(`Open incidents (${open.length}):\n${shown.join('\n')}`);
      }
      case 'create': {
        const body = parseBody(createIncidentBody, { title: cmd.title, components: cmd.components, ...(cmd.severity ? { severity: cmd.severity } : {}) }, 'command');
        const inc = service.createManual({ title: body.title, components: body.components, author, ...(body.severity ? { severity: body.severity } : {}) });
        return inChannel(`:rotating_light: *${formatId(inc.id)}* opened by ${escapeSlack(author)}: ${escapeSlack(inc.title)}\nSeverity: ${inc.severity} • Components: ${escapeSlack(inc.components.join(', '))}`);
      }
      case 'update': {
        const body = parseBody(updateIncidentBody, { text: cmd.text, ...(cmd.status ? { status: cmd.status } : {}) }, 'command');
        const inc = service.addUpdate(cmd.id, { text: body.text, author, ...(body.status ? { status: body.status } : {}) });
        return inChannel(`*${formatId(inc.id)}* update by ${escapeSlack(author)} [${inc.status}]: ${escapeSlack(body.text)}`);
      }
      case 'resolve': {
        const inc = service.resolve(cmd.id, { author, ...(cmd.text ? { text: cmd.text } : {}) });
        const took = formatDuration((inc.resolvedAt ?? now) - inc.startedAt);
        return inChannel(`:white_check_mark: *${formatId(inc.id)}* resolved by ${escapeSlack(author)} after ${took}${cmd.text ? `: ${escapeSlack(cmd.text)}` : ''}`);
      }
    }
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (typeof status === 'number' && status < 500) return ephemeral(`:warning: ${escapeSlack((e as Error).message)}`);
    throw e;
  }
}

export interface SlackRouteDeps {
  readonly service: IncidentService;
  readonly signingSecret: () => string | undefined;
  readonly now: () => number;
  readonly logger: Logger;
}

export function slackRoutes(deps: SlackRouteDeps): Router {
  const router = express.Router();
  const replays = new ReplayGuard(deps.now);
  router.post('/slack/commands', express.raw({ type: () => true, limit: '64kb' }), (req, res) => {
    const secret = deps.signingSecret();
    if (!secret) {
      res.status(404).json({ error: 'slack commands are not configured (slack.signing_secret)' });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifySlackRequest({
      secret,
      timestamp: req.get('x-slack-request-timestamp'),
      signature: req.get('x-slack-signature'),
      rawBody: raw,
      nowMs: deps.now(),
    });
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason }, 'rejected a slack command');
      res.status(401).json({ error: `slack signature: ${verdict.reason}` });
      return;
    }
    // A replay is answered 200, as Slack expects of every command, and runs nothing. Slack never
    // resends a slash command (no retries, unlike the Events API's X-Slack-Retry-Num), so a
    // second copy is a capture replayed or a proxy resending after a timeout: the latter must
    // not surface as an error in the user's channel, and neither must open a second incident.
    if (!replays.admit(req.get('x-slack-signature')!, Number(req.get('x-slack-request-timestamp')))) {
      deps.logger.warn({ event: 'slack_replay' }, 'ignored a replayed slack command (same signature within the 5-minute window)');
      res.json(ephemeral('This command was already received; it was not run again.'));
      return;
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new BadRequestError('body: expected application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    // Slack's periodic certificate check of the endpoint: acknowledge, run nothing.
    if (form.get('ssl_check') === '1') {
      res.status(200).end();
      return;
    }
    const user = form.get('user_name') || form.get('user_id') || 'slack';
    res.json(runSlackCommand(deps.service, form.get('text') ?? '', user, deps.now()));
  });
  return router;
}
