/*
 * One defence against cross-site request forgery for every state-changing route (reload,
 * sign-in/out, incident writes, the demo control, and any route added later), applied in front
 * of all of them by the HTTP app. SameSite=Strict is not enough on its own: another port of the
 * same host is the same *site*, so a page there gets the cookie sent along (issue 14).
 *
 * - A browser names where a request comes from (Origin; Sec-Fetch-Site in current browsers).
 *   Any other origin is refused, with or without credentials: /-/reload is open when no tokens
 *   are configured, as Prometheus's is.
 * - A request that authenticates with the sign-in cookie must also prove it comes from the page:
 *   a same-origin Origin, or the page's own header, which a cross-site form cannot set and a
 *   cross-origin script cannot send without a CORS preflight that this server never grants.
 * Clients that are not browsers (curl, Slack, scripts) send neither header and use a bearer token.
 */
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../errors.js';
import { sendError } from './errors.js';

/** Header the page's scripts send on every write. */
export const WRITE_HEADER = 'x-statusgraph-request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether an Origin header names this server (Host); a missing Origin is not a cross-site one. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Why a request is cross-site, or undefined when nothing says it is. */
export function crossSiteReason(req: Request): string | undefined {
  if (!sameOrigin(req.headers.origin, req.headers.host)) return `Origin ${JSON.stringify(req.headers.origin)} is not this server`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is ${JSON.stringify(site)}`;
  return undefined;
}

export function csrfGuard(hasSessionCookie: (req: Request) => boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    const why = crossSiteReason(req);
    if (why) {
      return sendError(res, new ForbiddenError(`cross-site request refused: ${why}; state-changing requests must come from this server's own page`));
    }
    if (hasSessionCookie(req) && !req.headers.origin && req.headers[WRITE_HEADER] !== '1') {
      return sendError(res, new ForbiddenError(`cookie-authenticated writes need a same-origin Origin or the ${WRITE_HEADER} header`));
    }
    next();
  };
}
