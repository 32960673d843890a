import type { ProbeKind } from './types.js';
import { httpProbe } from './http.js';
import { tcpProbe } from './tcp.js';
import { postgresProbe } from './postgres.js';
import { redisProbe } from './redis.js';
import { rabbitmqProbe } from './rabbitmq.js';
import { statuspageProbe } from './statuspage.js';

/**
 * Every probe kind, by name. Adding a kind is one file under probes/ and one line here: the
 * config schema, the metrics and the scheduler all read this table.
 */
export const PROBE_KINDS: ReadonlyMap<string, ProbeKind<any>> = new Map<string, ProbeKind<any>>(
  [
    httpProbe,
    tcpProbe,
    postgresProbe,
    redisProbe,
    rabbitmqProbe,
    statuspageProbe,
  ].map((k) => [k.kind, k]),
);
