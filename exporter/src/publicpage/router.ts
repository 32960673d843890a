/*
 * One audience page over HTTP: the HTML page, the Statuspage v2 JSON documents and the feeds, for
 * anyone (public by design: no auth). Read-only: any other method than GET and HEAD answers 405.
 * Every answer carries an ETag (a conditional GET gets 304) and a short Cache-Control, so a busy
 * page is served from caches and proxies between two probe cycles.
 */
import crypto from 'node:crypto';
import compression from 'compression';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { MethodNotAllowedError, NotFoundError } from '../errors.js';
import { atomFeed, rssFeed } from '../pages/feeds.js';
import { renderPage } from '../pages/html.js';
import type { Pages } from '../pages/index.js';
import { PAGE_DOCUMENTS, type PageJsonInput } from '../pages/statuspage-json.js';

/** GET and HEAD pass; anything else is a 405 naming what is allowed. */
export const readOnly: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  res.setHeader('Allow', 'GET, HEAD');
  next(new MethodNotAllowedError('method not allowed: public pages are read-only (GET, HEAD)'));
};

export interface PublicRouterDeps {
  readonly pages: Pages;
  readonly id: string;
  /** Where the page is served, no trailing slash. */
  baseUrl(): string;
  /** Seconds a client may reuse an answer: half the probe interval, at most 60. */
  maxAgeSeconds(): number;
}

function etagOf(body: string): string {
  return `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether If-None-Match names this ETag (weak comparison, RFC 9110 13.1.2). */
function notModified(req: Request, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((t) => { const v = t.trim(); return v === '*' || v.replace(/^W\//, '') === etag; });
}

function send(req: Request, res: Response, type: string, body: string, maxAge: number): void {
  const etag = etagOf(body);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', `public, max-age=${maxAge}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (notModified(req, etag)) { res.status(304).end(); return; }
  res.type(type).send(body);
}

export function publicPageRouter(deps: PublicRouterDeps): Router {
  const router = express.Router({ strict: false });
  const input = async (): Promise<PageJsonInput> => {
    const i = await deps.pages.input(deps.id, deps.baseUrl());
    if (!i) throw new NotFoundError('not found');
    return i;
  };
  router.use(readOnly);
  router.use(compression());
  router.get(['/', '/index.html'], async (req, res) => {
    send(req, res, 'text/html; charset=utf-8', renderPage(await input(), deps.pages.uptime(deps.id)), deps.maxAgeSeconds());
  });
  for (const [doc, build] of Object.entries(PAGE_DOCUMENTS)) {
    router.get(`/api/v2/${doc}`, async (req, res) => send(req, res, 'application/json; charset=utf-8', JSON.stringify(build(await input())), deps.maxAgeSeconds()));
  }
  router.get('/history.atom', async (req, res) => send(req, res, 'application/atom+xml; charset=utf-8', atomFeed(await input()), deps.maxAgeSeconds()));
  router.get('/history.rss', async (req, res) => send(req, res, 'application/rss+xml; charset=utf-8', rssFeed(await input()), deps.maxAgeSeconds()));
  return router;
}
