/*
 * The maintenance store backends, one line each: the same `store.kind` as the incident store picks
 * one, so windows live where incidents do (one database shared by every replica with postgres).
 * Each passes exporter/test/maintenance/store-contract.ts.
 */
import type { Logger } from 'pino';
import type { Config, StoreConfig } from '../config/types.js';
import { openPostgresMaintenanceStore } from './postgres/store.js';
import { openMaintenanceStore } from './sqlite/store.js';
import type { MaintenanceStore } from './store.js';

type Open = (config: Config, logger: Logger) => Promise<MaintenanceStore>;

const BACKENDS: Readonly<Record<StoreConfig['kind'], Open>> = {
  sqlite: async (config) => openMaintenanceStore({ dataDir: config.dataDir }),
  postgres: (config, logger) => openPostgresMaintenanceStore({ dsn: (config.store as Extract<StoreConfig, { kind: 'postgres' }>).dsn, logger }),
};

export const openMaintenanceBackend = (config: Config, logger: Logger): Promise<MaintenanceStore> => BACKENDS[config.store?.kind ?? 'sqlite'](config, logger);
