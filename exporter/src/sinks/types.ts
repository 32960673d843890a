/** What the sink registry holds: one entry per kind of destination. */
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { IncidentSink } from '../incidents/sink.js';

export interface SinkDeps {
  readonly logger: Logger;
  /** Per-request deadline for the destination; 5 s unless a test shortens it. */
  readonly timeoutMs?: number;
}

export interface SinkKind {
  readonly kind: string;
  /** The sinks of this kind the config enables (none when its section is absent). */
  build(config: Config, deps: SinkDeps): IncidentSink[];
}
