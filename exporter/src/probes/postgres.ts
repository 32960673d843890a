import type pg from 'pg';
import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { DURATION_STYLES, formatDuration } from '@statusgraph/core';
import { embeddedSecrets, makeRedactor } from '@statusgraph/core';
import type { Measurement, ProbeKind, ProbeOutcome } from './types.js';
import { DeadlineError, raceAbort } from './abort.js';
import { networkReason, since } from './errors.js';

const options = z.strictObject({
  /** postgres://user:password@host:port/db?sslmode=... */
  dsn: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  /** On a replica: degraded when the replay is further behind than this. */
  max_replication_lag: durationSchema.optional(),
});

export type PostgresOptions = z.output<typeof options>;

/** What the role query returned, as plain values. */
export interface PgStatus {
  readonly replica: boolean;
  /** Seconds behind the primary on a replica; null when it cannot be known (nothing replayed yet). */
  readonly lagSeconds: number | null;
  readonly replayPaused: boolean;
}

/*
 * The replay timestamp alone is no lag: on an idle primary the last replayed transaction gets old
 * while the replica is perfectly current. So a replica that has replayed everything it received is
 * 0 s behind; only when received WAL waits for replay is the age of the last replayed transaction
 * the lag.
 */
const STATUS_SQL = `
SELECT pg_is_in_recovery() AS replica,
  CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
    ELSE GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())))
  END::float8 AS lag_seconds,
  CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS replay_paused`;

/** Reasons for SQLSTATEs an operator acts on differently; other server errors give their class. */
const SQLSTATE_REASONS: Readonly<Record<string, string>> = {
  '28P01': 'auth failed',
  '28000': 'auth failed',
  '3D000': 'database does not exist',
  '57P03': 'server not accepting connections (starting up, shutting down or in recovery)',
  '57P01': 'server shutting down',
  '57P02': 'server crashed',
  '57P04': 'database dropped',
  '53300': 'too many connections',
  '53100': 'disk full',
  '53200': 'out of memory',
};

/** A short, secret-free reason for a failed postgres probe. */
export function postgresReason(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted || err instanceof DeadlineError) return 'timeout';
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return SQLSTATE_REASONS[code] ?? `server error ${code}`;
  }
  const message = (err as { message?: unknown })?.message;
  if (typeof message === 'string' && /terminated|closed|ended/i.test(message) && code === undefined) return 'connection closed';
  if (typeof message === 'string' && /SSL|TLS|certificate/i.test(message) && code === undefined) return 'tls';
  return networkReason(err, signal);
}

/** Builds the outcome from the measured values: pure, so thresholds are tested without a server. */
export function postgresOutcome(durationSeconds: number, status: PgStatus, maxLagMs: number | undefined): ProbeOutcome {
  const measurements: Measurement[] = [];
  const info: Record<string, string | number | boolean> = { role: status.replica ? 'replica' : 'primary' };
  let degradedReason: string | undefined;
  if (status.replica) {
    info.replay_paused = status.replayPaused;
    if (status.lagSeconds !== null) {
      const lag = Math.round(status.lagSeconds * 1000) / 1000;
      info.replication_lag_seconds = lag;
      measurements.push({ metric: 'postgres_replication_lag_seconds', value: lag });
      if (maxLagMs !== undefined && lag * 1000 > maxLagMs) {
        degradedReason = `replication lag ${lag.toFixed(1)}s (threshold: ${formatDuration(maxLagMs, DURATION_STYLES.config)})`;
      }
    }
  }
  return { success: true, durationSeconds, measurements, info, ...(degradedReason ? { degradedReason } : {}) };
}

/** The socket under a pg client: pg has no abortable connect or query, so a deadline destroys it. */
function destroySocket(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}

/** Server-side SQL errors leave the connection usable; anything else means it is gone. */
function connectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return !(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('57') && !code.startsWith('08'));
}

export const postgresProbe: ProbeKind<PostgresOptions> = {
  kind: 'postgres',
  options,
  metrics: [
    { name: 'postgres_replication_lag_seconds', help: 'Seconds the replica replay is behind the WAL it received from the primary (0 when caught up).', labelNames: [] },
    { name: 'postgres_replication_lag_threshold_seconds', help: 'Configured max_replication_lag of the probe: above it the replica is degraded.', labelNames: [] },
  ],
  configMeasurements: (cfg) => (cfg.max_replication_lag !== undefined
    ? [{ metric: 'postgres_replication_lag_threshold_seconds', value: cfg.max_replication_lag / 1_000 }]
    : []),
  // Only when a probe of this kind is configured (~15 MB of RSS when none is), and before its deadline.
  async load() { await import('pg'); },
  create(cfg, ctx) {
    const redact = makeRedactor(embeddedSecrets(cfg.dsn));
    let client: pg.Client | undefined;

    const drop = (c: pg.Client | undefined) => {
      if (!c) return;
      if (client === c) client = undefined;
      destroySocket(c);
      c.end().catch(() => undefined);
    };

    const connect = async (): Promise<pg.Client> => {
      // Already loaded by load() before the first deadline; the import is the module cache here.
      const { default: { Client } } = await import('pg');
      const c = new Client({
        connectionString: cfg.dsn,
        application_name: 'statusgraph',
        keepAlive: true,
      });
      // A server that goes away between runs emits 'error' on the idle client; without a
      // listener that would crash the process.
      c.on('error', (err) => {
        ctx.logger.debug({ component: ctx.component, reason: postgresReason(err) }, 'postgres connection lost');
        drop(c);
      });
      c.on('end', () => { if (client === c) client = undefined; });
      client = c;
      await c.connect();
      return c;
    };

    const check = async (c: pg.Client): Promise<ProbeOutcome> => {
      const start = performance.now();
      await c.query('SELECT 1');
      const durationSeconds = since(start);
      const row = (await c.query<{ replica: boolean; lag_seconds: number | null; replay_paused: boolean }>(STATUS_SQL)).rows[0];
      if (!row) throw new Error('status query returned no row');
      return postgresOutcome(durationSeconds, { replica: row.replica, lagSeconds: row.lag_seconds, replayPaused: row.replay_paused }, cfg.max_replication_lag);
    };

    const attempt = (signal: AbortSignal, c: pg.Client | undefined): Promise<ProbeOutcome> => {
      let current = c;
      const work = (async () => {
        current ??= await connect();
        return check(current);
      })();
      return raceAbort(work, signal, () => drop(current ?? client));
    };

    return {
      async run(signal) {
        const start = performance.now();
        const reused = client;
        try {
          return await attempt(signal, reused);
        } catch (err) {
          drop(reused ?? client);
          // A kept connection may have died quietly since the last run (server restarted): that is
          // not an outage, a real client would reconnect, so one fresh attempt decides.
          if (reused && connectionLost(err) && !signal.aborted) {
            try {
              return await attempt(signal, undefined);
            } catch (retryErr) {
              drop(client);
              return { success: false, durationSeconds: since(start), reason: redact(postgresReason(retryErr, signal)) };
            }
          }
          return { success: false, durationSeconds: since(start), reason: redact(postgresReason(err, signal)) };
        }
      },
      async close() {
        const c = client;
        client = undefined;
        if (c) await c.end().catch(() => destroySocket(c));
      },
    };
  },
};
