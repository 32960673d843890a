/** Maps errors of the incident and Slack routes to `{"error": "..."}` answers. */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

interface BodyParserError { type?: string; status?: number }

export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as Error & BodyParserError;
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'body: not valid JSON' });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: 'body: too large' });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: e.message });
      return;
    }
    logger.error({ err: e.message }, 'incident request failed');
    res.status(500).json({ error: 'internal error' });
  };
}
