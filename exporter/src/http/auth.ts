import crypto from 'node:crypto';
import net from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { AuthConfig } from '../config/types.js';
import type { SessionStore } from './sessions.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { BEARER_CHALLENGE, sendError, tokenError } from './errors.js';

/** The sign-in cookie; it holds a session id (sessions.ts), never the token. */
export const SESSION_COOKIE = 'statusgraph_session';

export function tokenDigest(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/**
 * Whether `presented` (a SHA-256 digest) is that of one of `tokens`, in time that depends on
 * neither: every configured token is compared, match or not.
 */
function digestMatches(presented: Buffer, tokens: readonly string[]): boolean {
  let ok = false;
  for (const t of tokens) ok = crypto.timingSafeEqual(presented, tokenDigest(t)) || ok;
  return ok;
}

/** Whether `presented` is one of `tokens`; both sides are hashed to a fixed length first. */
export function tokenMatches(presented: string, tokens: readonly string[]): boolean {
  return digestMatches(tokenDigest(presented), tokens);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try { return decodeURIComponent(part.slice(i + 1).trim()); } catch { return undefined; }
    }
  }
  return undefined;
}

/** The bearer token of a request, if it sends one. */
function bearerToken(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : undefined;
}

/** The session id of the sign-in cookie, when the request authenticates by cookie (no Authorization). */
export function sessionId(req: Request): string | undefined {
  if (req.headers.authorization) return undefined;
  const v = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return v ? v : undefined;
}

/** Whether the request presents a credential at all (bearer token or sign-in cookie). */
export function presentsCredential(req: Request): boolean {
  return req.headers.authorization !== undefined || sessionId(req) !== undefined;
}

type Cidrs = net.BlockList;

function parseCidrs(list: readonly string[]): Cidrs {
  const out = new net.BlockList();
  for (const c of list) {
    const [addr, bits] = c.split('/');
    const type = net.isIPv6(addr!) ? 'ipv6' : 'ipv4';
    if (bits === undefined) out.addAddress(addr!, type);
    else out.addSubnet(addr!, Number(bits), type);
  }
  return out;
}

function clientAddress(req: Request): string | undefined {
  const ip = req.socket.remoteAddress;
  return ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function inCidrs(ip: string | undefined, cidrs: Cidrs): boolean {
  return ip !== undefined && cidrs.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
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
  /** Whether this request may read (the rule of `read`, for pages that answer with a form). */
  canRead(req: Request): boolean;
  /** Whether this request could write (for pages that show write forms). */
  canWrite(req: Request): boolean;
}

export interface AuthDeps {
  readonly sessions: SessionStore;
  readonly logger: Logger;
}

const refusal = (req: Request) => tokenError(presentsCredential(req));

/** Spoofed proxy headers are logged once per address; past this many addresses, no more lines. */
const MAX_LOGGED_SPOOFERS = 1_000;

/**
 * Access control per DESIGN.md "Security"; reads the auth config on each request so reloads apply.
 * A refusal is answered here with the error middleware's own sendError, so these work on any app.
 */
export function createAuth(current: () => AuthConfig | undefined, deps: AuthDeps): AuthMiddleware {
  let cachedFor: AuthConfig | undefined;
  let allow = new net.BlockList();
  let proxies = new net.BlockList();
  const parsed = (a: AuthConfig) => {
    if (a !== cachedFor) {
      cachedFor = a;
      allow = parseCidrs(a.allow ?? []);
      proxies = parseCidrs(a.trustedProxies ?? []);
    }
    return { allow, proxies };
  };
  const loggedSpoofers = new Set<string>();

  /**
   * The trusted proxy header authenticates a reader only when the request comes from one of
   * auth.trusted_proxies (the proxy sets it; anyone else could too). From any other address it
   * is ignored, as if absent, and logged once per address.
   */
  const viaTrustedProxy = (req: Request, a: AuthConfig): boolean => {
    if (!a.trustedProxyHeader || !req.headers[a.trustedProxyHeader]) return false;
    const ip = clientAddress(req);
    if (inCidrs(ip, parsed(a).proxies)) return true;
    const from = ip ?? 'unknown';
    if (!loggedSpoofers.has(from) && loggedSpoofers.size < MAX_LOGGED_SPOOFERS) {
      loggedSpoofers.add(from);
      deps.logger.warn({ event: 'untrusted_proxy_header', client: from, header: a.trustedProxyHeader },
        `ignored ${a.trustedProxyHeader} from ${from}: not in auth.trusted_proxies (logged once per address)`);
    }
    return false;
  };

  const hasToken = (req: Request, a: AuthConfig | undefined): boolean => {
    if (!a) return false;
    const bearer = bearerToken(req);
    if (bearer !== undefined) return tokenMatches(bearer, a.tokens);
    if (req.headers.authorization) return false;
    const id = sessionId(req);
    const d = id === undefined ? undefined : deps.sessions.tokenDigest(id);
    return d !== undefined && digestMatches(d, a.tokens);
  };
  const canRead = (req: Request): boolean => {
    const a = current();
    return !a || a.read === 'public' || viaTrustedProxy(req, a) || hasToken(req, a);
  };

  return {
    allowlist(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a?.allow?.length || inCidrs(clientAddress(req), parsed(a).allow)) return next();
      sendError(res, new ForbiddenError('client address not allowed'));
    },
    read(req: Request, res: Response, next: NextFunction) {
      if (canRead(req)) return next();
      sendError(res, refusal(req));
    },
    write(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a) return sendError(res, new UnauthorizedError('write access is disabled: no auth.tokens configured', BEARER_CHALLENGE));
      if (hasToken(req, a)) return next();
      sendError(res, refusal(req));
    },
    lifecycle(req: Request, res: Response, next: NextFunction) {
      const a = current();
      if (!a || hasToken(req, a)) return next();
      sendError(res, refusal(req));
    },
    canRead,
    canWrite(req: Request) {
      return hasToken(req, current());
    },
  };
}
