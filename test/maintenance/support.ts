/* Maintenance tests on PostgreSQL: one exporter config, shared by the store and the sync tests. */
import { startExporter, type RunningExporter } from '../support/exporter.js';

/**
 * Starts an exporter on `store: postgres` (DSN from PG_DSN) with one component, db, probing
 * `targetUrl`, and `token` as its API token.
 */
export function startPostgresExporter(dsn: string, targetUrl: string, token: string): Promise<RunningExporter> {
  const config = `
interval: 1s
timeout: 500ms
store:
  kind: postgres
  dsn: \${PG_DSN}
auth:
  tokens: [${token}]
components:
  - name: db
    tier: infrastructure
    probes: [{ kind: http, url: "${targetUrl}" }]
`;
  return startExporter({ config, headers: { authorization: `Bearer ${token}` }, env: { PG_DSN: dsn } });
}
