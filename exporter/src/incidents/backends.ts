/*
 * The incident store backends, one line each: the config's `store.kind` picks one (config/schema.ts).
 * Each passes exporter/test/incidents/store-contract.ts.
 */
import type { Logger } from 'pino';
import type { Config, StoreConfig } from '../config/types.js';
import { migratePostgres, type MigrationResult } from './postgres/migrations.js';
import { createPool } from './postgres/pool.js';
import { openPostgresIncidentStore } from './postgres/store.js';
import { DB_FILE, openIncidentStore } from './sqlite/store.js';
import { migrate as migrateSqlite } from './sqlite/migrations.js';
import type { DecisionFence, IncidentStore } from './store.js';
import { openDatabase } from '../data-files.js';

/** What the composition root adds to a backend (PostgreSQL only: a cluster needs it). */
export interface BackendExtras {
  readonly fence?: DecisionFence;
}

interface Backend {
  open(config: Config, sinks: readonly string[], logger: Logger, extras?: BackendExtras): Promise<IncidentStore>;
  /** Brings the schema to this version and stops (`statusgraph migrate`); what it was and is now. */
  migrate(config: Config, logger: Logger): Promise<MigrationResult>;
}

type PostgresConfig = Extract<StoreConfig, { kind: 'postgres' }>;
const pg = (config: Config) => config.store as PostgresConfig;

const BACKENDS: Readonly<Record<StoreConfig['kind'], Backend>> = {
  sqlite: {
    open: async (config, sinks) => openIncidentStore({ dataDir: config.dataDir, sinks }),
    async migrate(config) {
      const db = openDatabase(config.dataDir, DB_FILE);
      try {
        const from = db.pragma('user_version', { simple: true }) as number;
        return { from, to: migrateSqlite(db) };
      } finally {
        db.close();
      }
    },
  },
  postgres: {
    open: (config, sinks, logger, extras) => openPostgresIncidentStore({ dsn: pg(config).dsn, poolSize: pg(config).poolSize, sinks, logger, ...(extras?.fence ? { fence: extras.fence } : {}) }),
    async migrate(config, logger) {
      const pool = createPool({ dsn: pg(config).dsn, max: 1, logger });
      try {
        return await migratePostgres(pool);
      } finally {
        await pool.end();
      }
    },
  },
};

export const storeBackend = (config: Config): Backend => BACKENDS[config.store?.kind ?? 'sqlite'];
