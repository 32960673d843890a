/*
 * Grafana annotations as an incident sink: one organization region annotation per incident, kept
 * equal to the incident's current state (so it coalesces). POST once, then PATCH the stored id.
 * No duplicates: before a POST leaves it is marked sent; any later attempt without a stored id
 * first searches by the incident's own tag, so a timeout, a lost answer or a kill -9 after the POST
 * never creates a second annotation. An annotation deleted in Grafana (PATCH 404) is recreated.
 * Every other error is retried (a 401 after a token mistake heals once the token is fixed).
 */
import type { Logger } from 'pino';
import { annotationBody, incidentTag } from '../grafana/annotation.js';
import { createAnnotationClient, GrafanaError, type AnnotationClient } from '../grafana/client.js';
import { formatId } from '../incidents/ids.js';
import type { IncidentSink } from '../incidents/sink.js';
import type { SinkKind } from './types.js';

export const GRAFANA_SINK = 'grafana';

export function grafanaSink(client: AnnotationClient, logger: Logger): IncidentSink {
  return {
    name: GRAFANA_SINK,
    coalesce: true,
    async deliver(_change, incident, ctx) {
      const body = annotationBody(incident);
      let id = ctx.remote.ref === null ? null : Number(ctx.remote.ref);
      if (id === null && ctx.remote.sentAt !== null) {
        id = (await client.findByTag(incidentTag(incident.id))) ?? null;
        if (id !== null) logger.info({ incident: formatId(incident.id), annotation: id }, 'found the annotation of an earlier unanswered POST');
      }
      if (id !== null) {
        try {
          await client.patch(id, body);
          return { outcome: 'delivered', ref: String(id) };
        } catch (e) {
          // Deleted in Grafana by someone: recreate rather than retry a PATCH that can never work.
          if (!(e instanceof GrafanaError && e.status === 404)) throw e;
          logger.warn({ incident: formatId(incident.id), annotation: id }, 'annotation was deleted in Grafana; creating it again');
        }
      }
      await ctx.markSent();
      return { outcome: 'delivered', ref: String(await client.create(body)) };
    },
    close: () => client.close(),
  };
}

export const grafanaSinks: SinkKind = {
  kind: 'grafana',
  build(config, deps) {
    if (!config.grafana) return [];
    const { url, token } = config.grafana;
    const client = createAnnotationClient({ url, token, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    return [grafanaSink(client, deps.logger.child({ worker: 'grafana-annotations' }))];
  },
};
