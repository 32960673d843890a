import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { sessionId, type AuthMiddleware } from './auth.js';
import { csrfGuard } from './csrf.js';
import type { MetricsRenderer } from '../metrics/renderer.js';
import type { Snapshot } from '../engine/snapshot.js';
import { BadRequestError, StatusgraphError } from '../errors.js';
import { readBody } from './body.js';
import { buildAnswer, createAnswerCache, sendBuilt } from './built.js';
import { pageComponent } from '@statusgraph/core';
import { componentView, createComponentsBody } from './components-view.js';
import { errorMiddleware, notFound } from './errors.js';

export interface HttpDeps {
  readonly logger: Logger;
  readonly auth: AuthMiddleware;
  readonly metrics: MetricsRenderer;
  snapshot(): Snapshot;
  /** The SSE stream's version of a snapshot (`?since=` of GET /api/v1/events continues from it). */
  streamVersion?(s: Snapshot): string;
  ready(): boolean;
  /** Reloads the config; rejects with the error when the new config is refused. */
  reload(): Promise<void>;
  /** Extra routers mounted after the core routes (incidents, Slack, events, status page). */
  readonly routers?: readonly Router[];
}

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Liveness answers even to clients outside the allowlist: orchestrators probe it.
  app.get('/-/healthy', (_req, res) => { res.type('text/plain').send('statusgraph is healthy.\n'); });
  app.use(deps.auth.allowlist);
  // Before every route: no state-changing request from another origin, whoever registers it.
  app.use(csrfGuard((req) => sessionId(req) !== undefined));
  app.get('/-/ready', (_req, res) => {
    if (deps.ready()) res.type('text/plain').send('statusgraph is ready.\n');
    else res.status(503).type('text/plain').send('statusgraph is not ready: the first probe cycle has not completed.\n');
  });
  // Takes no parameters; the body is read only so that a bad one is refused as on every route.
  app.post('/-/reload', deps.auth.lifecycle, readBody('json', '4kb'), async (_req, res) => {
    try {
      await deps.reload();
    } catch (err) {
      // A refused config says why (ConfigError); anything else is logged and stays internal.
      if (err instanceof StatusgraphError) throw new StatusgraphError(`reload failed, previous config kept: ${err.message}`, 500);
      throw err;
    }
    res.json({ status: 'success' });
  });
  app.get('/metrics', deps.auth.read, async (_req, res, next) => {
    try {
      const parts = await deps.metrics.parts(deps.snapshot());
      res.setHeader('Content-Type', deps.metrics.contentType());
      res.setHeader('Content-Length', parts.reduce((n, b) => n + b.length, 0));
      // Written chunk by chunk (one writev once uncorked), never joined: see MetricsRenderer.snapshotParts.
      res.cork();
      for (const b of parts) res.write(b);
      res.end();
    } catch (err) { next(err); }
  });
  // One body per snapshot and view, compressed once per encoding, whoever asks (the status page on every visit).
  const views = { full: createComponentsBody(), page: createComponentsBody((c) => pageComponent(componentView(c))) };
  const answers = createAnswerCache();
  app.get('/api/v1/components', deps.auth.read, async (req, res) => {
    const view = req.query.view ?? 'full';
    if (view !== 'full' && view !== 'page') throw new BadRequestError('view: full (the default) or page');
    const s = deps.snapshot();
    const b = await answers.get(view, s, Infinity, async () => buildAnswer('application/json; charset=utf-8', await views[view](s, deps.streamVersion?.(s))));
    await sendBuilt(req, res, b, 'private, no-cache');
  });
  for (const r of deps.routers ?? []) app.use(r);
  app.use(notFound);
  app.use(errorMiddleware(deps.logger));
  return app;
}
