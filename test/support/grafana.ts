/*
 * A Grafana stand-in for the annotations API (fixtures/grafana/annotations-api.md). It checks the
 * bearer token and the shape of every request (a request that breaks the documented format gets
 * Grafana's 400 and is recorded in `violations()`), keeps annotations in memory, and can fail the
 * first N requests with a status, or apply the first N POSTs and then never answer (a lost reply).
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { z } from 'zod';

export interface StoredAnnotation {
  id: number;
  dashboardUID: string | null;
  /** The legacy numeric dashboard id; 0 (with dashboardUID null) for an organization annotation. */
  dashboardId: number;
  panelId: number;
  time: number;
  timeEnd: number;
  tags: string[];
  text: string;
  data: Record<string, unknown>;
  created: number;
  updated: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
  /** Why the stand-in refused it, when it did so for format or auth reasons. */
  violation?: string;
}

export interface GrafanaStandInOptions {
  token?: string;
  /** Answer the first N API requests with `failStatus` (default 500) without acting on them. */
  failFirst?: number;
  failStatus?: number;
  /** Apply the first N POSTs, then never answer them (the client times out). */
  hangFirstPosts?: number;
}

export interface GrafanaStandIn {
  readonly url: string;
  readonly token: string;
  annotations(): StoredAnnotation[];
  requests(): RecordedRequest[];
  violations(): RecordedRequest[];
  /** From now on, fail the next N requests. */
  failNext(n: number, status?: number): void;
  /** From now on, apply the next N POSTs and never answer them (a lost reply). */
  hangNextPosts(n: number): void;
  close(): Promise<void>;
}

const num = z.number().int().nonnegative();
const postBody = z.strictObject({
  dashboardUID: z.string().optional(),
  dashboardId: z.number().int().optional(),
  panelId: z.number().int().optional(),
  time: num.optional(),
  timeEnd: num.optional(),
  tags: z.array(z.string()).optional(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
const patchBody = z.strictObject({
  time: num.optional(),
  timeEnd: num.optional(),
  text: z.string().optional(),
  tags: z.array(z.string()).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

function sameToken(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export async function startGrafanaStandIn(opts: GrafanaStandInOptions = {}): Promise<GrafanaStandIn> {
  const token = opts.token ?? `glsa_${crypto.randomBytes(12).toString('hex')}`;
  let failLeft = opts.failFirst ?? 0;
  let failStatus = opts.failStatus ?? 500;
  let hangLeft = opts.hangFirstPosts ?? 0;
  let nextId = 1;
  const store = new Map<number, StoredAnnotation>();
  const log: RecordedRequest[] = [];
  const hung = new Set<express.Response>();

  const app = express();
  app.use('/api/annotations', (req, res, next) => {
    const entry: RecordedRequest = { method: req.method, path: req.originalUrl, status: 0, body: undefined };
    log.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
    const reject = (status: number, message: string) => {
      entry.violation = message;
      entry.status = status;
      res.status(status).json({ message });
    };
    const auth = req.get('authorization') ?? '';
    const m = /^Bearer (.+)$/.exec(auth);
    if (!m || !sameToken(m[1]!, token)) return reject(401, 'Unauthorized');
    if (failLeft > 0) {
      failLeft--;
      res.status(failStatus).json({ message: 'injected failure' });
      return;
    }
    if (req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT') {
      if (!req.is('application/json')) return reject(400, 'bad request data: content type must be application/json');
      express.json({ strict: true })(req, res, (err?: unknown) => {
        if (err) return reject(400, 'bad request data: invalid JSON');
        entry.body = req.body;
        next();
      });
      return;
    }
    next();
  });

  app.post('/api/annotations', (req, res) => {
    const r = postBody.safeParse(req.body);
    if (!r.success) {
      log.at(-1)!.violation = r.error.message;
      return res.status(400).json({ message: `bad request data: ${r.error.issues[0]!.path.join('.')}` });
    }
    const now = Date.now();
    const a: StoredAnnotation = {
      id: nextId++,
      dashboardUID: r.data.dashboardUID ?? null,
      dashboardId: r.data.dashboardId ?? 0,
      panelId: r.data.panelId ?? 0,
      time: r.data.time ?? now,
      timeEnd: r.data.timeEnd ?? r.data.time ?? now,
      tags: r.data.tags ?? [],
      text: r.data.text,
      data: r.data.data ?? {},
      created: now,
      updated: now,
    };
    store.set(a.id, a);
    if (hangLeft > 0) {
      hangLeft--;
      hung.add(res);
      return;
    }
    res.json({ message: 'Annotation added', id: a.id });
  });

  app.patch('/api/annotations/:id', (req, res) => {
    const a = store.get(Number(req.params.id));
    if (!a) return res.status(404).json({ message: 'Annotation not found' });
    const r = patchBody.safeParse(req.body);
    if (!r.success) {
      log.at(-1)!.violation = r.error.message;
      return res.status(400).json({ message: `bad request data: ${r.error.issues[0]!.path.join('.')}` });
    }
    Object.assign(a, Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined)), { updated: Date.now() });
    res.json({ message: 'Annotation patched' });
  });

  app.put('/api/annotations/:id', (req, res) => {
    const a = store.get(Number(req.params.id));
    if (!a) return res.status(404).json({ message: 'Annotation not found' });
    const r = postBody.safeParse(req.body);
    if (!r.success) {
      log.at(-1)!.violation = r.error.message;
      return res.status(400).json({ message: 'bad request data' });
    }
    Object.assign(a, { time: r.data.time ?? a.time, timeEnd: r.data.timeEnd ?? r.data.time ?? a.time, tags: r.data.tags ?? [], text: r.data.text, data: r.data.data ?? {}, updated: Date.now() });
    res.json({ message: 'Annotation updated' });
  });

  app.delete('/api/annotations/:id', (req, res) => {
    if (!store.delete(Number(req.params.id))) return res.status(404).json({ message: 'Annotation not found' });
    res.json({ message: 'Annotation deleted' });
  });

  app.get('/api/annotations', (req, res) => {
    const q = req.query;
    const tags = ([] as unknown[]).concat(q.tags ?? []).map(String);
    const matchAny = q.matchAny === 'true';
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const from = q.from === undefined ? -Infinity : Number(q.from);
    const to = q.to === undefined ? Infinity : Number(q.to);
    if (!Number.isFinite(limit) || (q.type !== undefined && q.type !== 'annotation' && q.type !== 'alert')) {
      log.at(-1)!.violation = 'bad query';
      return res.status(400).json({ message: 'bad request' });
    }
    const out = [...store.values()]
      .filter(() => q.type !== 'alert')
      .filter((a) => a.timeEnd >= from && a.time <= to)
      .filter((a) => tags.length === 0 || (matchAny ? tags.some((t) => a.tags.includes(t)) : tags.every((t) => a.tags.includes(t))))
      .sort((a, b) => b.time - a.time)
      .slice(0, limit)
      .map((a) => ({
        ...a, alertId: 0, userId: 1, newState: '', prevState: '', login: 'statusgraph', email: '', avatarUrl: '',
      }));
    res.json(out);
  });

  app.use('/api/annotations', (req, res) => {
    log.at(-1)!.violation = `unsupported ${req.method}`;
    res.status(404).json({ message: 'Not found' });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    annotations: () => [...store.values()].map((a) => structuredClone(a)),
    requests: () => [...log],
    violations: () => log.filter((r) => r.violation !== undefined),
    failNext(n, status = 500) {
      failLeft = n;
      failStatus = status;
    },
    hangNextPosts(n) {
      hangLeft = n;
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
