/*
 * /api/v1/incidents routes (DESIGN.md "HTTP API"). Auth runs before the body is even parsed, and
 * every input is validated before the service is called, so a rejected request writes nothing.
 */
import express, { type Request, type RequestHandler, type Router } from 'express';
import { NotFoundError } from '../../errors.js';
import { parseId } from '../../incidents/ids.js';
import { incidentJson } from '../../incidents/serialize.js';
import type { IncidentService } from '../../incidents/service.js';
import { incidentSummary } from '../../incidents/summary.js';
import { createIncidentBody, listIncidentsQuery, parseBody, resolveIncidentBody, updateIncidentBody } from '../../incidents/validation.js';
import { readBody } from '../body.js';

export interface RouteAuth {
  readonly read: RequestHandler;
  readonly write: RequestHandler;
}

const DEFAULT_AUTHOR = 'api';

export function incidentRoutes(service: IncidentService, auth: RouteAuth, now: () => number): Router {
  const router = express.Router();
  // Read as JSON also when sent as a form or text/plain: a curl without -H should still work.
  const json = readBody('json', '64kb');

  const idParam = (req: Request): number => {
    const raw = req.params.id;
    const id = typeof raw === 'string' ? parseId(raw) : undefined;
    if (id === undefined) throw new NotFoundError(`no incident ${String(raw)}`);
    return id;
  };
  const found = async (req: Request) => {
    const id = idParam(req);
    const inc = await service.get(id);
    if (!inc) throw new NotFoundError(`no incident ${String(req.params.id)}`);
    return inc;
  };

  router.get('/api/v1/incidents', auth.read, async (req, res) => {
    const q = parseBody(listIncidentsQuery, { ...(req.query as object) }, 'query');
    res.json({ incidents: (await service.list(q)).map(incidentJson) });
  });

  router.get('/api/v1/incidents/:id', auth.read, async (req, res) => {
    res.json(incidentJson(await found(req)));
  });

  router.get('/api/v1/incidents/:id/summary', auth.read, async (req, res) => {
    res.type('text/markdown; charset=utf-8').send(incidentSummary(await found(req), now()));
  });

  router.post('/api/v1/incidents', auth.write, json, async (req, res) => {
    const body = parseBody(createIncidentBody, req.body);
    const inc = await service.createManual({
      title: body.title, components: body.components, author: body.author ?? DEFAULT_AUTHOR,
      ...(body.severity ? { severity: body.severity } : {}), ...(body.text ? { text: body.text } : {}),
    });
    res.status(201).location(`/api/v1/incidents/${incidentJson(inc).id}`).json(incidentJson(inc));
  });

  router.post('/api/v1/incidents/:id/updates', auth.write, json, async (req, res) => {
    const id = idParam(req);
    const body = parseBody(updateIncidentBody, req.body);
    const inc = await service.addUpdate(id, { text: body.text, author: body.author ?? DEFAULT_AUTHOR, ...(body.status ? { status: body.status } : {}) });
    res.json(incidentJson(inc));
  });

  router.post('/api/v1/incidents/:id/resolve', auth.write, json, async (req, res) => {
    const id = idParam(req);
    const body = parseBody(resolveIncidentBody, req.body);
    const inc = await service.resolve(id, { author: body.author ?? DEFAULT_AUTHOR, ...(body.text ? { text: body.text } : {}) });
    res.json(incidentJson(inc));
  });

  return router;
}
