/*
 * The incident subsystem and its routes (incidents, Slack, events) mounted on a real HTTP server
 * with the app's error middleware, and minimal bearer-token middlewares in place of http/auth.ts,
 * for route tests.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { componentView, componentsView } from '../../src/http/components-view.js';
import { DB_FILE } from '../../src/incidents/sqlite/store.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Config } from '../../src/config/types.js';
import { createEventHub, type EventHub } from '../../src/http/events.js';
import { errorMiddleware, notFound } from '../../src/http/errors.js';
import { incidentRoutes } from '../../src/http/routes/incidents.js';
import { slackRoutes } from '../../src/http/routes/slack.js';
import { createIncidents, type Incidents } from '../../src/incidents/index.js';
import { tempDir } from './support.js';
import { CHAIN, config, silentLogger } from './fixtures.js';

/** Every table the incident store writes: "nothing changed" covers the change log and the outbox too. */
const TABLES = ['incidents', 'timeline', 'incident_changes', 'sink_outbox', 'sink_state'];

export const TOKEN = 'test-token-0123456789';
export const SIGNING_SECRET = 'slack-signing-secret-for-tests';

function bearer(required: boolean): RequestHandler {
  return (req, res, next) => {
    if (!required) return next();
    if (req.get('authorization') !== `Bearer ${TOKEN}`) {
      res.status(401).json({ error: 'missing or bad bearer token' });
      return;
    }
    next();
  };
}

export interface TestApp {
  url: string;
  incidents: Incidents;
  events: EventHub;
  dataDir: string;
  /** Everything the store holds, for "nothing changed" assertions. */
  dump(): unknown;
  close(): Promise<void>;
}

export async function startTestApp(over: Partial<Config> = {}, now: () => number = Date.now): Promise<TestApp> {
  const dir = tempDir('sg-app-');
  const cfg = config(CHAIN, { dataDir: dir.path, slack: { signingSecret: SIGNING_SECRET }, ...over });
  const events = createEventHub({ heartbeatMs: 60_000, serializeSnapshot: componentsView, serializeComponent: componentView });
  const incidents = await createIncidents({ config: cfg, logger: silentLogger, now, events, sinks: [] });
  const app = express();
  app.use(incidentRoutes(incidents.service, { read: bearer(true), write: bearer(true) }, now));
  app.use(slackRoutes({ service: incidents.service, signingSecret: () => cfg.slack?.signingSecret, now, logger: silentLogger }));
  app.get('/api/v1/events', bearer(true), events.handler);
  app.use(notFound, errorMiddleware(silentLogger));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    incidents,
    events,
    dataDir: dir.path,
    dump: () => {
      const db = new Database(path.join(cfg.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
      try {
        return TABLES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all());
      } finally {
        db.close();
      }
    },
    async close() {
      events.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await incidents.close();
      dir.remove();
    },
  };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
export const jsonAuth = { ...auth, 'content-type': 'application/json' };
