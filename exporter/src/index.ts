export { startService, type Service, type ServiceOptions } from './app.js';
export { parseConfig, loadConfigFile } from './config/load.js';
export { ConfigError } from './config/errors.js';
export type * from './config/types.js';
export type * from './engine/snapshot.js';
export type * from './probes/types.js';
export { PROBE_KINDS } from './probes/registry.js';
