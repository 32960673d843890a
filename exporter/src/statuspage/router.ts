/*
 * The built-in status page (GET /), its sign-in form, its static assets, and the data routes only
 * the page needs: uptime history, latency sparklines and, in demo mode, the break/heal control.
 */
import compression from 'compression';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { presentsCredential, sessionId, tokenDigest, tokenMatches, type AuthMiddleware } from '../http/auth.js';
import type { SessionStore } from '../http/sessions.js';
import type { LoginLimiter } from '../http/login-limit.js';
import { BadRequestError, NotFoundError, StatusgraphError } from '../errors.js';
import { readBody } from '../http/body.js';
import { AUTH_REQUIRED, INVALID_TOKEN } from '../http/errors.js';
import type { AuthConfig } from '../config/types.js';
import type { Snapshot } from '../engine/snapshot.js';
import type { History } from '../history/index.js';
import { DAY_MS } from '../history/uptime.js';
import { readShell, staticAssets } from './assets.js';
import { renderLogin, renderPage, type BootData } from './page.js';
import { loginCookies, logoutCookies } from './session.js';
import { latencyView, uptimeView } from './views.js';

/** What the demo exposes to the page and the CLI; absent outside `statusgraph demo`. */
export interface DemoControl {
  components(): readonly { readonly name: string; readonly failed: boolean; readonly slow: boolean; readonly broken: boolean }[];
  /** Each rejects with an Error naming the component when it is unknown. */
  fail(name: string): Promise<void>;
  /** Answers again, at normal speed. */
  heal(name: string): Promise<void>;
  /** Answers, but slowly enough to be "degraded". */
  slow(name: string): Promise<void>;
}

export interface StatusPageDeps {
  readonly auth: AuthMiddleware;
  readonly authConfig: () => AuthConfig | undefined;
  readonly snapshot: () => Snapshot;
  readonly history: History;
  readonly intervalMs: () => number;
  readonly staticDir: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sessions: SessionStore;
  readonly loginLimiter: LoginLimiter;
  readonly demo?: DemoControl;
  /** A replica of a cluster: the page shows the cluster line (GET /api/v1/cluster). */
  readonly cluster?: boolean;
}

const NO_STORE = 'no-store';

/**
 * Whether the browser reached us over https: directly, or through a TLS-terminating proxy. The
 * header is trusted here because it can only make the cookie stricter (Secure), never weaker.
 */
function overHttps(req: Request): boolean {
  return req.secure || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
}

/** The API's words for a fault, as the sign-in page writes its messages: 'invalid token' -> 'Invalid token.' */
function pageText(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** At most this many names per request: the page asks for the rows it shows (tens), in batches. */
export const MAX_COMPONENTS_PARAM = 500;

/**
 * `?components=a,b,c`: only these components (the page's visible rows; at 10,000 components 90
 * days of uptime for all is ~36 MB). Unknown names are simply absent from the answer.
 */
function componentsParam(req: Request): string[] | undefined {
  const raw = req.query.components;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new BadRequestError('components: give one comma-separated list');
  const names = raw.split(',').filter((n) => n.length > 0);
  if (names.length > MAX_COMPONENTS_PARAM) throw new BadRequestError(`components: at most ${MAX_COMPONENTS_PARAM} names`);
  if (names.some((n) => !/^[a-z0-9-]{1,128}$/.test(n))) throw new BadRequestError('components: names are [a-z0-9-]');
  return [...new Set(names)];
}

export function statusPageRouter(deps: StatusPageDeps): Router {
  // A missing build must not stop probing: the page answers 503 and says why.
  let shell: string | undefined;
  let shellError = '';
  try {
    shell = readShell(deps.staticDir);
  } catch (err) {
    shellError = (err as Error).message;
    deps.logger.warn({ event: 'statuspage_missing' }, shellError);
  }
  const router = express.Router();
  const compress = compression({ threshold: 512 });
  const form = readBody('form', '4kb');
  const json = readBody('json', '4kb');

  router.get('/api/v1/uptime', deps.auth.read, compress, (req, res) => {
    const raw = req.query.days;
    const days = raw === undefined ? 90 : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      throw new BadRequestError('days: must be an integer from 1 to 90');
    }
    const names = componentsParam(req) ?? deps.snapshot().components.map((c) => c.name);
    res.setHeader('Cache-Control', NO_STORE);
    res.json(uptimeView(deps.history.uptime(names, days)));
  });

  router.get('/api/v1/latency', deps.auth.read, compress, (req, res) => {
    const names = componentsParam(req);
    res.setHeader('Cache-Control', NO_STORE);
    const now = deps.now();
    res.json(latencyView(deps.history.latency(names), now, deps.history.gaps(now - DAY_MS, now)));
  });

  if (deps.demo) {
    const demo = deps.demo;
    router.get('/api/v1/demo', deps.auth.read, (_req, res) => {
      res.json({ components: demo.components() });
    });
    const control = (action: 'fail' | 'heal' | 'slow') => async (req: Request, res: Response) => {
      const name = (req.body as { component?: unknown } | undefined)?.component;
      if (typeof name !== 'string' || name === '') {
        throw new BadRequestError('component: a component name is required');
      }
      if (!demo.components().some((c) => c.name === name)) throw new NotFoundError(`unknown component "${name}"`);
      await demo[action](name);
      deps.logger.info({ event: `demo_${action}`, component: name }, `demo: ${action} ${name}`);
      res.json({ component: name, action, at: new Date(deps.now()).toISOString(), components: demo.components() });
    };
    router.post('/api/v1/demo/fail', deps.auth.write, json, control('fail'));
    router.post('/api/v1/demo/heal', deps.auth.write, json, control('heal'));
    router.post('/api/v1/demo/slow', deps.auth.write, json, control('slow'));
  }

  const boot = (req: Request): BootData => {
    const a = deps.authConfig();
    return {
      canWrite: deps.auth.canWrite(req),
      signedIn: sessionId(req) !== undefined && deps.auth.canWrite(req),
      readPublic: !a || a.read === 'public',
      demo: deps.demo !== undefined,
      intervalMs: deps.intervalMs(),
      cluster: deps.cluster === true,
    };
  };

  const sendLogin = (res: Response, status: number, error?: string) => {
    res.status(status).setHeader('Cache-Control', NO_STORE);
    res.type('html').send(renderLogin(error ? { error } : {}));
  };

  // The rule of auth.read (DESIGN.md "Security"), but a refused browser gets the sign-in form
  // with its 401 instead of a JSON error.
  router.get('/', compress, (req, res) => {
    if (!deps.auth.canRead(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="statusgraph"');
      sendLogin(res, 401, presentsCredential(req) ? 'Invalid token or expired session.' : undefined);
      return;
    }
    res.setHeader('Cache-Control', NO_STORE);
    if (shell === undefined) throw new StatusgraphError(shellError, 503);
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.type('html').send(renderPage(shell, boot(req)));
  });

  router.get('/login', (req, res) => {
    if (presentsCredential(req) && deps.auth.canWrite(req)) {
      res.redirect(303, './');
      return;
    }
    sendLogin(res, 200);
  });

  // Cross-site posts never get here: http/csrf.ts refuses them for every state-changing route.
  router.post('/login', form, (req, res) => {
    const a = deps.authConfig();
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (!a || a.tokens.length === 0) {
      sendLogin(res, 400, 'Sign-in is disabled: no tokens are configured (auth.tokens).');
      return;
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    const wait = deps.loginLimiter.retryAfterSeconds(client);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      sendLogin(res, 429, `Too many failed sign-ins from this address; try again in ${wait} s.`);
      return;
    }
    if (typeof token !== 'string' || token === '' || !tokenMatches(token, a.tokens)) {
      deps.loginLimiter.fail(client);
      // Never the token itself: a near-miss typo of a real token is half a secret.
      deps.logger.warn({ event: 'login_failed', client }, `failed sign-in from ${client}`);
      res.setHeader('Set-Cookie', logoutCookies(overHttps(req)));
      sendLogin(res, 401, pageText(typeof token !== 'string' || token === '' ? AUTH_REQUIRED : INVALID_TOKEN));
      return;
    }
    const id = deps.sessions.create(tokenDigest(token));
    deps.logger.info({ event: 'login', client }, `signed in from ${client}`);
    res.setHeader('Set-Cookie', loginCookies(id, overHttps(req)));
    res.redirect(303, './');
  });

  router.post('/logout', (req, res) => {
    const id = sessionId(req);
    if (id !== undefined) deps.sessions.delete(id);
    res.setHeader('Set-Cookie', logoutCookies(overHttps(req)));
    res.redirect(303, './');
  });

  router.use('/static', compress, staticAssets(deps.staticDir));
  return router;
}
