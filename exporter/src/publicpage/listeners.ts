/*
 * The listeners of the audience pages that have their own `listen`: one HTTP server per address,
 * each page mounted at its path. Nothing else is served there (no API, no metrics, no internal
 * page): an unknown path is a 404, a write a 405. Addresses are read at start; a changed one
 * takes effect at the next restart, like the internal `listen`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Logger } from 'pino';
import type { PageConfig } from '../config/types.js';
import { errorMiddleware, notFound } from '../http/errors.js';
import type { Pages } from '../pages/index.js';
import { publicPageRouter, readOnly } from './router.js';

export interface PublicListenerDeps {
  readonly pages: Pages;
  readonly logger: Logger;
  readonly maxAgeSeconds: () => number;
}

const urlOf = (addr: AddressInfo) => `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
const joinPath = (base: string, p: string) => (p === '/' ? base : `${base}${p}`);

/** Routers of the pages without a listener, mounted at their path on the internal one. */
export function mountedPages(deps: PublicListenerDeps, pages: readonly PageConfig[], internalUrl: () => string): express.Router {
  const router = express.Router();
  for (const p of pages.filter((x) => x.listen === undefined)) {
    router.use(p.path, publicPageRouter({ pages: deps.pages, id: p.id, baseUrl: () => p.url ?? joinPath(internalUrl(), p.path), maxAgeSeconds: deps.maxAgeSeconds }));
  }
  return router;
}

export async function startPublicListeners(deps: PublicListenerDeps, pages: readonly PageConfig[]): Promise<{ urls: Map<string, string>; close(): Promise<void> }> {
  const byAddress = new Map<string, PageConfig[]>();
  for (const p of pages) {
    if (!p.listen) continue;
    const key = `${p.listen.host}:${p.listen.port}`;
    byAddress.set(key, [...(byAddress.get(key) ?? []), p]);
  }
  const servers: http.Server[] = [];
  const urls = new Map<string, string>();
  const close = async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  };
  try {
    for (const list of byAddress.values()) {
      const app = express();
      app.disable('x-powered-by');
      app.set('etag', false);
      const origin: { url: string } = { url: '' };
      for (const p of list) {
        app.use(p.path, publicPageRouter({ pages: deps.pages, id: p.id, baseUrl: () => p.url ?? joinPath(origin.url, p.path), maxAgeSeconds: deps.maxAgeSeconds }));
      }
      // Outside every page too, the public listener takes no write.
      app.use(readOnly);
      app.use(notFound);
      app.use(errorMiddleware(deps.logger));
      const server = http.createServer(app);
      const { host, port } = list[0]!.listen!;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => { server.off('error', reject); resolve(); });
      });
      servers.push(server);
      origin.url = urlOf(server.address() as AddressInfo);
      for (const p of list) urls.set(p.id, p.url ?? joinPath(origin.url, p.path));
    }
  } catch (err) {
    await close();
    throw new Error(`public page listener: ${(err as Error).message}`);
  }
  return { urls, close };
}
