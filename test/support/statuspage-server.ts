import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

/** The Statuspage v2 samples (copied from the shared fixtures so CI has them). */
export const STATUSPAGE_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../exporter/test/probes/fixtures/statuspage');

export interface StatuspageServer {
  readonly url: string;
  /** URL of a path on this server. */
  at(pathname: string): string;
  /** Serves `body` at `pathname` from now on (a vendor's page changing). */
  set(pathname: string, route: Route): void;
  /** Requests currently held open by `hang` routes. */
  hanging(): number;
  close(): Promise<void>;
}

export type Route =
  | { readonly status: number; readonly type?: string; readonly body: string }
  | { readonly redirect: string }
  | { readonly hang: true };

/**
 * A vendor status page on a free loopback port: every fixture at /fixtures/<name>, plus the ways a
 * page is not a summary (HTML, 404, malformed JSON, a request that never answers).
 */
export async function startStatuspageServer(): Promise<StatuspageServer> {
  const routes = new Map<string, Route>();
  for (const f of fs.readdirSync(STATUSPAGE_FIXTURES).filter((n) => n.endsWith('.json'))) {
    routes.set(`/fixtures/${f}`, { status: 200, type: 'application/json; charset=utf-8', body: fs.readFileSync(path.join(STATUSPAGE_FIXTURES, f), 'utf8') });
  }
  routes.set('/html', { status: 200, type: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><body>Status</body></html>' });
  routes.set('/missing', { status: 404, type: 'text/html', body: '<html>Not Found</html>' });
  routes.set('/malformed', { status: 200, type: 'application/json', body: '{"page": {"id": "x"}, "status": {"indicator": "no' });
  routes.set('/slow', { hang: true });
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!route) { res.writeHead(404).end(); return; }
    if ('hang' in route) {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if ('redirect' in route) { res.writeHead(301, { location: route.redirect }).end(); return; }
    res.writeHead(route.status, route.type ? { 'content-type': route.type } : {}).end(route.body);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    at: (p) => `${url}${p}`,
    set: (p, r) => { routes.set(p, r); },
    hanging: () => held.size,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
