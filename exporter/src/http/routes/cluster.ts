/*
 * GET /api/v1/cluster: the replicas as this one sees them (live, location, checker health, share)
 * and whether it leads. Mounted only when the config has `cluster:`; read auth as every /api/v1 read.
 * Internal: replica names and locations never reach an audience page.
 */
import express, { type Router } from 'express';
import type { ClusterView } from '../../cluster/metrics.js';
import type { RouteAuth } from './incidents.js';

export function clusterRoutes(deps: { view: () => ClusterView; auth: Pick<RouteAuth, 'read'> }): Router {
  return express.Router().get('/api/v1/cluster', deps.auth.read, (_req, res) => {
    const v = deps.view();
    res.json({
      replica: v.self,
      leader: v.leader,
      replicas: v.members.map((m) => ({
        name: m.name,
        location: m.location,
        live: m.live,
        checkerHealthy: m.live ? !v.unhealthy.has(m.name) : null,
        assignedComponents: v.assigned.get(m.name) ?? 0,
      })),
    });
  });
}
