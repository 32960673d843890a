/*
 * /api/v1/maintenance (issue 19): list, create ("start now for 30m") and cancel maintenance
 * windows. Every input is validated before the service is called, so a rejected request writes
 * nothing; errors are the one JSON error shape.
 */
import express, { type Router } from 'express';
import { parseBody } from '../../incidents/validation.js';
import type { Maintenance } from '../../maintenance/service.js';
import { cancelWindowBody, createWindowBody, listWindowsQuery } from '../../maintenance/validation.js';
import { readBody } from '../body.js';
import type { RouteAuth } from './incidents.js';

const DEFAULT_AUTHOR = 'api';

export function maintenanceRoutes(maintenance: Maintenance, auth: RouteAuth): Router {
  const router = express.Router();
  const json = readBody('json', '64kb');

  router.get('/api/v1/maintenance', auth.read, (req, res) => {
    const q = parseBody(listWindowsQuery, { ...(req.query as object) }, 'query');
    res.json({ windows: maintenance.list(q) });
  });

  router.post('/api/v1/maintenance', auth.write, json, async (req, res) => {
    const body = parseBody(createWindowBody, req.body);
    const w = await maintenance.create(body, body.author ?? DEFAULT_AUTHOR);
    res.status(201).location(`/api/v1/maintenance/${w.id}`).json(w);
  });

  router.get('/api/v1/maintenance/:id', auth.read, (req, res) => {
    const w = maintenance.list({ days: 366 }).find((v) => v.id === req.params.id);
    if (!w) {
      res.status(404).json({ error: `no maintenance window ${String(req.params.id)}` });
      return;
    }
    res.json(w);
  });

  router.post('/api/v1/maintenance/:id/cancel', auth.write, json, async (req, res) => {
    const body = parseBody(cancelWindowBody, req.body);
    res.json(await maintenance.cancel(String(req.params.id), body.author ?? DEFAULT_AUTHOR));
  });
  return router;
}
