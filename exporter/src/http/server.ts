import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { sessionId, type AuthMiddleware } from './auth.js';
import { csrfGuard } from './csrf.js';
import type { MetricsRenderer } from '../metrics/renderer.js';
import type { Snapshot } from '../engine/snapshot.js';
import { componentsView } from './components-view.js';

export interface HttpDeps {
  readonly logger: Logger;
  readonly auth: AuthMiddleware;
  readonly metrics: MetricsRenderer;
  snapshot(): Snapshot;
  ready(): boolean;
  /** Reloads the config; rejects with the error when the new config is refused. */
  reload(): Promise<void>;
  /** Extra routers mounted after the core routes (incidents, Slack, events, status page). */
  readonly routers?: readonly Router[];
  /** Applied last to anything the routers left alone (the status page). */
  readonly fallback?: Router;
}

/** A JSON error any route can throw; the handler below turns it into {"error": ...}. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
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
  app.post('/-/reload', deps.auth.lifecycle, async (_req, res) => {
    try {
      await deps.reload();
      res.json({ status: 'success' });
    } catch (err) {
      res.status(500).json({ error: `reload failed, previous config kept: ${(err as Error).message}` });
    }
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
  // JSON of many components compresses ~10x; the status page loads it on every visit.
  app.get('/api/v1/components', deps.auth.read, compression(), (_req, res) => {
    res.json(componentsView(deps.snapshot()));
  });
  for (const r of deps.routers ?? []) app.use(r);
  app.use('/api', (_req, res) => { res.status(404).json({ error: 'not found' }); });
  if (deps.fallback) app.use(deps.fallback);
  app.use((_req: Request, res: Response) => { res.status(404).json({ error: 'not found' }); });
  // Express needs the four-argument signature to recognise an error handler.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return void res.status(err.status).json({ error: err.message });
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return void res.status(status).json({ error: (err as { type?: string }).type === 'entity.parse.failed' ? 'invalid JSON body' : (err as Error).message });
    }
    deps.logger.error({ err }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}
