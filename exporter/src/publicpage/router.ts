/*
 * One audience page over HTTP: the HTML page, the Statuspage v2 JSON documents and the feeds, for
 * anyone (public by design: no auth). Read-only: any other method than GET and HEAD answers 405.
 * Every answer carries an ETag (a conditional GET gets 304) and a short Cache-Control, so a busy
 * page is served from caches and proxies between two probe cycles.
 */
import compression from 'compression';
import express, { type RequestHandler, type Router } from 'express';
import { MethodNotAllowedError, NotFoundError } from '../errors.js';
import { buildAnswer, createAnswerCache, sendBuilt, type Built } from '../http/built.js';
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

/**
 * How long a built document is served without reading the store again. Within one process a
 * snapshot or a public write makes a new revision at once; the TTL bounds how late another
 * replica's publication shows (clients may already reuse an answer for max-age, up to 60 s).
 * Building summary.json of 200 public components from 10,000 internal ones cost 6.3 ms of CPU per
 * request, so 200 requests/s took more than a core and p99 was 664 ms (bench/public-summary.ts).
 */
const BUILT_TTL_MS = 1000;

export function publicPageRouter(deps: PublicRouterDeps): Router {
  const router = express.Router({ strict: false });
  const input = async (): Promise<PageJsonInput> => {
    const i = await deps.pages.input(deps.id, deps.baseUrl());
    if (!i) throw new NotFoundError('not found');
    return i;
  };
  router.use(readOnly);
  router.use(compression());
  const cache = createAnswerCache();
  /** The document of `key`, built again only after a new page revision or BUILT_TTL_MS. */
  const document = (key: string, type: string, make: (i: PageJsonInput) => string): Promise<Built> =>
    cache.get(key, deps.pages.revision(), BUILT_TTL_MS, async () => buildAnswer(type, make(await input())));
  const serve = (path: string | string[], key: string, type: string, make: (i: PageJsonInput) => string) => {
    router.get(path, async (req, res) => sendBuilt(req, res, await document(key, type, make), `public, max-age=${deps.maxAgeSeconds()}`));
  };
  serve(['/', '/index.html'], 'html', 'text/html; charset=utf-8', (i) => renderPage(i, deps.pages.uptime(deps.id)));
  for (const [doc, make] of Object.entries(PAGE_DOCUMENTS)) serve(`/api/v2/${doc}`, doc, 'application/json; charset=utf-8', (i) => JSON.stringify(make(i)));
  serve('/history.atom', 'atom', 'application/atom+xml; charset=utf-8', atomFeed);
  serve('/history.rss', 'rss', 'application/rss+xml; charset=utf-8', rssFeed);
  return router;
}
