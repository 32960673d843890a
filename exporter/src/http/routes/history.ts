/*
 * GET /api/v1/components/{name}/history (stored probe results over a range, paged) and
 * GET /api/v1/components/{name}/days/{YYYY-MM-DD} (what happened that day: the uptime bar's day
 * opened). Read auth as every /api/v1 read; every parameter is validated before the store is read.
 */
import compression from 'compression';
import express, { type Request, type Router } from 'express';
import { BadRequestError, NotFoundError } from '../../errors.js';
import type { History } from '../../history/index.js';
import { decodeCursor } from '../../history/probe-history.js';
import { STEP_MS, type Step } from '../../history/range.js';
import { DAY_MS } from '../../history/uptime.js';
import type { IncidentService } from '../../incidents/service.js';
import { dayView, historyView } from '../history-view.js';
import type { RouteAuth } from './incidents.js';

export interface HistoryRouteDeps {
  readonly history: History;
  readonly incidents: IncidentService;
  readonly auth: Pick<RouteAuth, 'read'>;
  readonly now: () => number;
  /** Whether a component is in the running config. */
  readonly known: (name: string) => boolean;
}

export const DEFAULT_LIMIT = 1_000;
export const MAX_LIMIT = 10_000;
/** A range is at most this many buckets per probe at its step: 30 days of 5-minute buckets fit. */
export const MAX_BUCKETS = 10_000;
const STEPS: readonly Step[] = ['raw', '5m', '1h'];

/** An ISO 8601 time or epoch milliseconds. */
export function parseTime(field: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw.trim() : '';
  const t = /^\d{1,16}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(t)) throw new BadRequestError(`${field}: must be an ISO 8601 time or epoch milliseconds`);
  return t;
}

function single(req: Request, key: string): unknown {
  const v = req.query[key];
  if (Array.isArray(v)) throw new BadRequestError(`${key}: given more than once`);
  return v;
}

/** The finest step that answers the range in at most a few hundred points per probe. */
function defaultStep(spanMs: number): Step {
  if (spanMs <= 3_600_000) return 'raw';
  return spanMs <= 2 * DAY_MS ? '5m' : '1h';
}

export function parseHistoryQuery(req: Request, now: number) {
  const allowed = new Set(['from', 'to', 'step', 'limit', 'cursor', 'probe']);
  for (const k of Object.keys(req.query)) if (!allowed.has(k)) throw new BadRequestError(`${k}: unknown parameter`);
  const to = parseTime('to', single(req, 'to')) ?? now;
  const from = parseTime('from', single(req, 'from')) ?? to - 3_600_000;
  if (!(from < to)) throw new BadRequestError('from: must be before to');
  const rawStep = single(req, 'step');
  if (rawStep !== undefined && !STEPS.includes(rawStep as Step)) throw new BadRequestError(`step: must be one of ${STEPS.join(', ')}`);
  const step = (rawStep as Step | undefined) ?? defaultStep(to - from);
  if (step !== 'raw' && (to - from) / STEP_MS[step] > MAX_BUCKETS) {
    throw new BadRequestError(`step: ${step} gives more than ${MAX_BUCKETS} buckets per probe over this range; use a larger step`);
  }
  const rawLimit = single(req, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new BadRequestError(`limit: must be an integer from 1 to ${MAX_LIMIT}`);
  const cursor = single(req, 'cursor');
  const probe = single(req, 'probe');
  return {
    from, to, step, limit,
    ...(cursor !== undefined ? { after: decodeCursor(String(cursor)) } : {}),
    ...(probe !== undefined ? { probe: String(probe) } : {}),
  };
}

export function historyRoutes(deps: HistoryRouteDeps): Router {
  const router = express.Router();
  const compress = compression();

  const component = (req: Request): string => {
    const name = String(req.params.name);
    // A component removed from the config keeps its results until they age out: still answerable.
    if (!deps.known(name) && deps.history.probesOf(name).length === 0) throw new NotFoundError(`unknown component "${name}"`);
    return name;
  };

  router.get('/api/v1/components/:name/history', deps.auth.read, compress, (req, res) => {
    const name = component(req);
    const q = parseHistoryQuery(req, deps.now());
    let probes = deps.history.probesOf(name);
    if (q.probe !== undefined) {
      probes = probes.filter((p) => p.probe === q.probe);
      if (probes.length === 0) throw new NotFoundError(`component "${name}" has no stored results of probe "${q.probe}"`);
    }
    deps.history.flush();
    const page = deps.history.results(probes, q);
    const reasonIds = [...page.raw.map((r) => r.reason), ...page.buckets.flatMap((b) => [b.firstReason, b.lastReason])].filter((r): r is number => r !== null);
    res.setHeader('Cache-Control', 'no-store');
    res.json(historyView(name, q, page, deps.history.reasonTexts(reasonIds)));
  });

  router.get('/api/v1/components/:name/days/:day', deps.auth.read, compress, async (req, res) => {
    const name = component(req);
    const day = String(req.params.day);
    const start = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
    if (!Number.isFinite(start) || new Date(start).toISOString().slice(0, 10) !== day) throw new BadRequestError('day: must be a date YYYY-MM-DD (UTC)');
    const now = deps.now();
    if (start > now) throw new BadRequestError('day: in the future');
    deps.history.flush();
    const report = deps.history.day(name, start);
    const touched = (await deps.incidents.list({ limit: 1000 })).filter((i) =>
      i.components.includes(name) && i.startedAt < report.to && (i.resolvedAt ?? now) >= report.from);
    res.setHeader('Cache-Control', 'no-store');
    res.json(dayView(name, day, report, touched));
  });

  return router;
}
