/*
 * POST /slack/commands: the `/incident` slash command. The body is read as raw bytes first (the
 * signature covers them exactly), verified, and only then used as a form.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { NotFoundError, UnauthorizedError } from '../../errors.js';
import type { IncidentService } from '../../incidents/service.js';
import { runSlackCommand } from '../../slack/handler.js';
import { verifySlackRequest } from '../../slack/verify.js';
import { ReplayGuard } from '../../slack/replay.js';
import { rawBody, readBody } from '../body.js';
import { AUTH_REQUIRED } from '../errors.js';

export interface SlackRouteDeps {
  readonly service: IncidentService;
  readonly signingSecret: () => string | undefined;
  readonly now: () => number;
  readonly logger: Logger;
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
  router.post('/slack/commands', configured, readBody('form', '64kb'), (req, res) => {
    const timestamp = req.get('x-slack-request-timestamp');
    const signature = req.get('x-slack-signature');
    // No Slack credential at all reads as any other route's missing credential.
    if (!timestamp && !signature) throw new UnauthorizedError(AUTH_REQUIRED);
    const verdict = verifySlackRequest({ secret: secret(), timestamp, signature, rawBody: rawBody(req), nowMs: deps.now() });
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason }, 'rejected a slack command');
      throw new UnauthorizedError(`slack signature: ${verdict.reason}`);
    }
    // A replay is answered 200, as Slack expects of every command, and runs nothing. Slack never
    // resends a slash command (no retries, unlike the Events API's X-Slack-Retry-Num), so a
    // second copy is a capture replayed or a proxy resending after a timeout: the latter must
    // not surface as an error in the user's channel, and neither must open a second incident.
    if (!replays.admit(signature!, Number(timestamp))) {
      deps.logger.warn({ event: 'slack_replay' }, 'ignored a replayed slack command (same signature within the 5-minute window)');
      res.json({ response_type: 'ephemeral', text: 'This command was already received; it was not run again.' });
      return;
    }
    const form = req.body as Record<string, string>;
    // Slack's periodic certificate check of the endpoint: acknowledge, run nothing.
    if (form.ssl_check === '1') {
      res.status(200).end();
      return;
    }
    const user = form.user_name || form.user_id || 'slack';
    res.json(runSlackCommand(deps.service, form.text ?? '', user, deps.now()));
  });
  return router;
}
