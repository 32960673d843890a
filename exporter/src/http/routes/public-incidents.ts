/*
 * Publishing internal incidents to audience pages (DESIGN.md "HTTP API"), on the INTERNAL listener
 * with its auth: write to publish and post updates, read to see what customers were told. The
 * public listeners only read.
 */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { formatId, parseId } from '../../incidents/ids.js';
import type { PublicIncident } from '../../incidents/public.js';
import type { IncidentService } from '../../incidents/service.js';
import { parseBody } from '../../incidents/validation.js';
import type { Pages } from '../../pages/index.js';
import type { SlackPublishing } from '../../slack/publish-command.js';
import { publicIncidentUrl, publicUpdateBody, publishBody } from '../../pages/publish.js';
import { readBody } from '../body.js';
import type { RouteAuth } from './incidents.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const listPublicQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

/** The internal view of a public incident: what customers were told, and where. */
export function publicIncidentJson(x: PublicIncident, pageUrl: string | undefined) {
  return {
    id: x.id, page: x.page, incident: x.incidentId === null ? null : formatId(x.incidentId), title: x.title, impact: x.impact, status: x.status,
    components: x.components, created_at: iso(x.createdAt), updated_at: iso(x.updatedAt), resolved_at: iso(x.resolvedAt),
    url: pageUrl ? publicIncidentUrl(pageUrl, x.id) : null,
    updates: x.updates.map((u) => ({ id: u.id, status: u.status, body: u.body, at: iso(u.at) })),
  };
}

/** `/incident publish` over the pages' publisher: the same checks as the routes below. */
export function slackPublishing(pages: Pages, pageUrl: (id: string) => string | undefined): SlackPublishing {
  return {
    pages: () => pages.list(),
    forIncident: (id) => pages.forIncident(id),
    publish: (id, body) => pages.publisher.publish(id, parseBody(publishBody, body, 'command')),
    update: (publicId, body) => pages.publisher.addUpdate(publicId, parseBody(publicUpdateBody, body, 'command')),
    url(x) {
      const base = pageUrl(x.page);
      return base === undefined ? undefined : publicIncidentUrl(base, x.id);
    },
  };
}

export function publicIncidentRoutes(deps: { incidents: IncidentService; pages: Pages; auth: RouteAuth; pageUrl: (id: string) => string | undefined }): Router {
  const router = express.Router();
  const json = readBody('json', '64kb');
  const view = (x: PublicIncident) => publicIncidentJson(x, deps.pageUrl(x.page));
  const incident = async (req: Request) => {
    const raw = req.params.id;
    const id = typeof raw === 'string' ? parseId(raw) : undefined;
    if (id === undefined || !(await deps.incidents.get(id))) throw new NotFoundError(`no incident ${String(raw)}`);
    return id;
  };

  router.post('/api/v1/incidents/:id/publish', deps.auth.write, json, async (req, res) => {
    const id = await incident(req);
    const x = await deps.pages.publisher.publish(id, parseBody(publishBody, req.body));
    res.status(201).location(`/api/v1/public-incidents/${x.id}`).json(view(x));
  });
  router.get('/api/v1/incidents/:id/public', deps.auth.read, async (req, res) => {
    res.json({ public_incidents: (await deps.pages.forIncident(await incident(req))).map(view) });
  });
  // The status page's view: every recent public incident with the internal incident it stands for.
  router.get('/api/v1/public-incidents', deps.auth.read, async (req, res) => {
    const limit = parseBody(listPublicQuery, req.query, 'query').limit;
    res.json({ public_incidents: (await deps.pages.publicIncidents(limit)).map(view) });
  });
  // What the status page's "Tell customers" form offers.
  router.get('/api/v1/pages', deps.auth.read, (_req, res) => {
    res.json({
      pages: deps.pages.list().map((p) => ({ id: p.id, title: p.title, url: deps.pageUrl(p.id) ?? null, components: p.components.map((c) => ({ id: c.id, name: c.name })) })),
    });
  });
  router.get('/api/v1/public-incidents/:id', deps.auth.read, async (req, res) => {
    const x = await deps.pages.publisher.get(String(req.params.id));
    if (!x) throw new NotFoundError(`no public incident ${String(req.params.id)}`);
    res.json(view(x));
  });
  router.post('/api/v1/public-incidents/:id/updates', deps.auth.write, json, async (req, res) => {
    res.json(view(await deps.pages.publisher.addUpdate(String(req.params.id), parseBody(publicUpdateBody, req.body))));
  });
  return router;
}
