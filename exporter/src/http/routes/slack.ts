/*
 * POST /slack/commands (the `/incident` slash command) and POST /slack/interactions (the incident
 * message's buttons and the update modal). The body is read as raw bytes first (the signature
 * covers them exactly), verified, checked against replays, and only then used as a form. Slack
 * wants every answer within 3 s: the answer is sent first, and anything that talks to Slack
 * (views.open, response_url) runs after it.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../../errors.js';
import type { Maintenance } from '../../maintenance/service.js';
import { isMaintenanceCommand, runMaintenanceCommand } from '../../slack/maintenance-command.js';
import type { IncidentService } from '../../incidents/service.js';
import type { SlackApi } from '../../slack-api/client.js';
import { followUp, type ThreadSource } from '../../slack/follow-up.js';
import { runSlackCommand } from '../../slack/handler.js';
import type { SlackPublishing } from '../../slack/publish-command.js';
import { runInteraction } from '../../slack/interactions.js';
import { verifySlackRequest } from '../../slack/verify.js';
import { ReplayGuard } from '../../slack/replay.js';
import { rawBody, readBody } from '../body.js';
import { AUTH_REQUIRED } from '../errors.js';

export interface SlackRouteDeps {
  readonly service: IncidentService;
  readonly signingSecret: () => string | undefined;
  /** The Web API with the bot token, when slack.bot_token is set (views.open, response_url). */
  readonly api?: SlackApi;
  /** The incident threads, when the Slack sink is on: a command's follow-up links them. */
  readonly threads?: ThreadSource;
  /** `/incident publish`, when audience pages are configured. */
  readonly publishing?: SlackPublishing;
  /** How long a follow-up waits for the thread (tests); FOLLOW_UP_WAIT_MS otherwise. */
  readonly followUpWaitMs?: number;
  readonly now: () => number;
  readonly logger: Logger;
  /** `/incident maintenance ...` (issue 19), when maintenance windows are wired. */
  readonly maintenance?: Maintenance;
}

export function slackRoutes(deps: SlackRouteDeps): Router {
  const router = express.Router();
  const replays = new ReplayGuard(deps.now);
  const secret = (): string => {
    const s = deps.signingSecret();
    if (!s) throw new NotFoundError('slack commands are not configured (slack.signing_secret)');
    return s;
  };
  // Not configured is a 404 whatever the body: checked before it is read.
  const configured: RequestHandler = (_req, _res, next) => { secret(); next(); };

  /**
   * Throws 401 unless the request is signed with our secret within the 5-minute window; false
   * (after answering `replayAnswer`) when the same signature was already admitted.
   */
  const admitted = (req: Request, res: Response, what: string, replayAnswer: () => void): boolean => {
    const timestamp = req.get('x-slack-request-timestamp');
    const signature = req.get('x-slack-signature');
    // No Slack credential at all reads as any other route's missing credential.
    if (!timestamp && !signature) throw new UnauthorizedError(AUTH_REQUIRED);
    const verdict = verifySlackRequest({ secret: secret(), timestamp, signature, rawBody: rawBody(req), nowMs: deps.now() });
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason }, `rejected a slack ${what}`);
      throw new UnauthorizedError(`slack signature: ${verdict.reason}`);
    }
    // A replay is answered 200, as Slack expects, and runs nothing. Slack never resends a slash
    // command or an interaction (no retries, unlike the Events API's X-Slack-Retry-Num), so a
    // second copy is a capture replayed or a proxy resending after a timeout: the latter must
    // not surface as an error in the user's channel, and neither must write twice.
    if (!replays.admit(signature!, Number(timestamp))) {
      deps.logger.warn({ event: 'slack_replay' }, `ignored a replayed slack ${what} (same signature within the 5-minute window)`);
      replayAnswer();
      return false;
    }
    return true;
  };

  router.post('/slack/commands', configured, readBody('form', '64kb'), async (req, res) => {
    if (!admitted(req, res, 'command', () => res.json({ response_type: 'ephemeral', text: 'This command was already received; it was not run again.' }))) return;
    const form = req.body as Record<string, string>;
    // Slack's periodic certificate check of the endpoint: acknowledge, run nothing.
    if (form.ssl_check === '1') {
      res.status(200).end();
      return;
    }
    const user = form.user_name || form.user_id || 'slack';
    const text = form.text ?? '';
    if (deps.maintenance && isMaintenanceCommand(text)) {
      res.json(await runMaintenanceCommand(deps.maintenance, text, user));
      return;
    }
    const result = await runSlackCommand({ service: deps.service, ...(deps.publishing ? { publishing: deps.publishing } : {}) }, text, user, deps.now());
    const { api, threads } = deps;
    const responseUrl = form.response_url;
    if (result.thread && api && threads && responseUrl) {
      const thread = result.thread;
      // Once the answer has left: Slack's 3 s do not wait for the thread.
      res.once('finish', () => {
        followUp(api, threads, responseUrl, thread, deps.followUpWaitMs).catch((e: unknown) => deps.logger.warn({ err: (e as Error).message }, 'slack command follow-up failed'));
      });
    }
    res.json(result.reply);
  });

  router.post('/slack/interactions', configured, readBody('form', '64kb'), async (req, res) => {
    if (!admitted(req, res, 'interaction', () => res.status(200).end())) return;
    let payload: unknown;
    try {
      payload = JSON.parse((req.body as Record<string, string>).payload ?? '');
    } catch {
      throw new BadRequestError('payload: not valid JSON');
    }
    const answer = await runInteraction(deps.service, payload);
    const after = answer.after;
    // Once the answer has left: Slack's 3 s do not wait for Slack's own API.
    if (after) {
      res.once('finish', () => {
        after(deps.api).catch((e: unknown) => deps.logger.warn({ err: (e as Error).message }, 'slack interaction follow-up failed'));
      });
    }
    if (answer.body === undefined) res.status(200).end();
    else res.json(answer.body);
  });
  return router;
}
