import crypto from 'node:crypto';
import net from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthConfig } from '../config/types.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { BEARER_CHALLENGE, sendError, tokenError } from './errors.js';

export const TOKEN_COOKIE = 'statusgraph_token';

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/**
 * Whether `presented` is one of `tokens`, in time that depends on neither: both sides are
 * hashed to a fixed length, and every configured token is compared, match or not.
 */
export function tokenMatches(presented: string, tokens: readonly string[]): boolean {
  const p = digest(presented);
  let ok = false;
  for (const t of tokens) ok = crypto.timingSafeEqual(p, digest(t)) || ok;
  return ok;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try { return decodeURIComponent(part.slice(i + 1).trim()); } catch { return undefined; }
    }
  }
  return undefined;
}

/** The credential a request carries: a bearer token, or the status page's login cookie. */
export function presentedToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1] : undefined;
  }
  return cookieValue(req.headers.cookie, TOKEN_COOKIE);
}

function parseCidr(c: string): { net: net.BlockList } {
  const list = new net.BlockList();
  const [addr, bits] = c.split('/');
  const type = net.isIPv6(addr!) ? 'ipv6' : 'ipv4';
  if (bits === undefined) list.addAddress(addr!, type);
  else list.addSubnet(addr!, Number(bits), type);
  return { net: list };
}

function clientAllowed(ip: string | undefined, allow: readonly { net: net.BlockList }[]): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const type = net.isIPv6(v4) ? 'ipv6' : 'ipv4';
  return allow.some((a) => a.net.check(v4, type));
}

export interface AuthMiddleware {
  /** IP allowlist, for every route but liveness. */
  readonly allowlist: RequestHandler;
  readonly read: RequestHandler;
  readonly write: RequestHandler;
  /**
   * Lifecycle endpoints (/-/reload): open when no tokens are configured, as Prometheus's are on
   * a loopback listener; a write token once auth is configured.
   */
  readonly lifecycle: RequestHandler;
  /** Whether this request could write (for pages that show write forms). */
  canWrite(req: Request): boolean;
}

/**
 * Access control per DESIGN.md "Security"; reads the auth config on each request so reloads apply.
 * A refusal is answered here with the error middleware's own sendError, so these work on any app.
 */
export function createAuth(current: () => AuthConfig | undefined): AuthMiddleware {
  let cachedFor: AuthConfig | undefined;
  let allow: { net: net.BlockList }[] = [];
  const allowFor = (a: AuthConfig | undefined) => {
    if (a !== cachedFor) {
      cachedFor = a;
      allow = (a?.allow ?? []).map(parseCidr);
    }
    return allow;
  };
  const hasToken = (req: Request, a: AuthConfig | undefined): boolean => {
    const t = presentedToken(req);
    return t !== undefined && a !== undefined && tokenMatches(t, a.tokens);
  };
  return {
    allowlist(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a?.allow?.length || clientAllowed(req.socket.remoteAddress, allowFor(a))) return next();
      sendError(res, new ForbiddenError('client address not allowed'));
    },
    read(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a || a.read === 'public') return next();
      if (a.trustedProxyHeader && req.headers[a.trustedProxyHeader]) return next();
      if (hasToken(req, a)) return next();
      sendError(res, tokenError(presentedToken(req) !== undefined));
    },
    write(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a) return sendError(res, new UnauthorizedError('write access is disabled: no auth.tokens configured', BEARER_CHALLENGE));
      if (hasToken(req, a)) return next();
      sendError(res, tokenError(presentedToken(req) !== undefined));
    },
    lifecycle(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a || hasToken(req, a)) return next();
      sendError(res, tokenError(presentedToken(req) !== undefined));
    },
    canWrite(req: Request) {
      return hasToken(req, current());
    },
  };
}
