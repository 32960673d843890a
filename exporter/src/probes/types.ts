import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Measurement, ProbeInfo } from '@statusgraph/core';
import type { ProbeCommon, ProbeConfig } from '../config/types.js';
import type { HttpDispatchers } from './http-dispatchers.js';

export type { Measurement, ProbeCommon, ProbeConfig };

/**
 * A gauge a probe kind contributes to /metrics, beyond the per-probe families every kind has.
 * `name` is without the `statusgraph_` prefix; `component` is always the first label.
 */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
}

/** States a target can report about itself (a vendor's status page), worse than operational. */
export type ReportedState = 'degraded' | 'partial_outage' | 'major_outage';

/**
 * What one probe run found. Never a bare boolean: the classifier, the API and the logs all need
 * the reason, and the metrics need the measured values.
 */
export interface ProbeOutcome {
  /** The probe reached the target and every check passed. */
  readonly success: boolean;
  /** Wall time of the check itself, in seconds. */
  readonly durationSeconds: number;
  /** Short reason when it failed: refused, timeout, dns, tls, status 503, body mismatch, ... */
  readonly reason?: string;
  /** The probe passed, but a measured value is over its threshold, e.g. "replication lag 12s (threshold: 2s)". */
  readonly degradedReason?: string;
  /** The target reports its own state (vendor status pages). */
  readonly reportedState?: ReportedState;
  /** The probe could not tell (vendor status page unavailable): shown, but never marks the component down. */
  readonly inconclusive?: boolean;
  /** The target reports planned maintenance: shown as such, not as an outage. */
  readonly maintenance?: boolean;
  readonly measurements?: readonly Measurement[];
  /** Facts for the API (postgres role, a vendor's open incident names, ...). Never secrets. */
  readonly info?: ProbeInfo;
}

export interface ProbeContext {
  readonly component: string;
  readonly logger: Logger;
  /** Shared HTTP connection pools (http and statuspage probes). */
  readonly http: HttpDispatchers;
}

/** A live probe: may hold a connection between runs (a real application would), closed on reload. */
export interface ProbeRunner {
  /** Must settle promptly once `signal` aborts; the scheduler aborts at the probe's deadline. */
  run(signal: AbortSignal): Promise<ProbeOutcome>;
  close(): Promise<void>;
}

/**
 * One probe kind: one file under probes/, one line in probes/registry.ts. The config schema is
 * derived from `options`, so a new kind needs nothing else.
 */
export interface ProbeKind<Options = unknown> {
  readonly kind: string;
  /** Zod object of the kind's own keys; the loader adds the common keys and makes it strict. */
  readonly options: z.ZodType<Options> & { readonly shape: z.ZodRawShape };
  /** Extra gauges this kind exports. */
  readonly metrics?: readonly MetricFamily[];
  /**
   * Values fixed by the config (thresholds), exported with every result so that alert rules
   * can compare a measurement with its threshold without repeating the config.
   */
  configMeasurements?(config: ProbeCommon & Options): readonly Measurement[];
  /**
   * Loads the kind's client library. Called once, when a probe of the kind is configured, and
   * awaited before the first probe's deadline starts, so that the load is not timed as the
   * target's answer. Absent for kinds with nothing to load.
   */
  load?(): Promise<void>;
  create(config: ProbeCommon & Options, ctx: ProbeContext): ProbeRunner;
}
