/*
 * The one error path of the HTTP layer. Routes and middlewares throw (or pass to next) a
 * StatusgraphError; this turns it, or a body-reader error, into `{"error": "..."}` with its status.
 * The words for each fault are the constants below, so a fault reads the same on every route.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import {
  BadRequestError, NotFoundError, PayloadTooLargeError, StatusgraphError, UnauthorizedError, UnsupportedMediaTypeError,
  storageError,
} from '../errors.js';

export const NOT_JSON = 'body: not valid JSON';
const TOO_LARGE = 'body: too large';
const INCOMPLETE = 'body: incomplete';
export const AUTH_REQUIRED = 'authentication required';
export const INVALID_TOKEN = 'invalid token';
const NOT_FOUND = 'not found';
const INTERNAL = 'internal error';
export const BEARER_CHALLENGE = 'Bearer realm="statusgraph"';

export function unsupportedType(type: string): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`body: unsupported content type ${type || '(none)'}`);
}

/** No credential at all, or one that matches no token: the bearer-token 401s. */
export function tokenError(presented: boolean): UnauthorizedError {
  return new UnauthorizedError(presented ? INVALID_TOKEN : AUTH_REQUIRED, BEARER_CHALLENGE);
}

/** Errors of express's body reader (raw-body) carry a `type`; each becomes one of ours. */
function fromBodyReader(err: unknown): StatusgraphError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.too.large': return new PayloadTooLargeError(TOO_LARGE);
    case 'entity.parse.failed': return new BadRequestError(NOT_JSON);
    case 'encoding.unsupported': return new UnsupportedMediaTypeError('body: unsupported content encoding');
    case 'charset.unsupported': return new UnsupportedMediaTypeError('body: unsupported charset');
    case 'request.aborted':
    case 'request.size.invalid': return new BadRequestError(INCOMPLETE);
    default: return undefined;
  }
}

export function sendError(res: Response, err: StatusgraphError): void {
  if (err instanceof UnauthorizedError && err.challenge) res.setHeader('WWW-Authenticate', err.challenge);
  res.status(err.status).json({ error: err.message });
}

/** Last in the app: anything no route answered. */
export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError(NOT_FOUND));

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  // Express recognises an error handler by its four parameters.
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const known = err instanceof StatusgraphError ? err : fromBodyReader(err);
    if (known) return sendError(res, known);
    // A write any route (incidents, Slack, history) could not make for lack of disk: say so.
    const disk = storageError(err);
    if (disk) {
      logger.error({ err: disk.message }, 'request not saved');
      return sendError(res, disk);
    }
    logger.error({ err }, 'request failed');
    res.status(500).json({ error: INTERNAL });
  };
}
