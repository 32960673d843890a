import type { MaintenanceConfig } from './windows.js';
import type { z } from 'zod';
import type { Dependency, State, Tier } from '@statusgraph/core';

/**
 * What the config needs of a probe kind: its name and the schema of its own keys. The loader
 * receives these from the probe registry (probes/registry.ts, through cli/app), so config never
 * imports probe code and a new kind stays one file plus one line in the registry.
 */
export interface ProbeKindSchema {
  readonly kind: string;
  /** Zod object of the kind's own keys; the loader adds the common keys and makes it strict. */
  readonly options: z.ZodType & { readonly shape: z.ZodRawShape };
}

/** Fields every probe has, whatever its kind, after parsing. */
export interface ProbeCommon {
  readonly kind: string;
  /** Unique within the component: its kind, numbered when repeated (http, http-2). */
  readonly name: string;
  readonly timeoutMs: number;
  /** Configured baseline latency; when absent the classifier learns one. */
  readonly baselineSeconds?: number;
}

export type ProbeConfig = ProbeCommon & Readonly<Record<string, unknown>>;

/** A service level objective: `objective` percent of rounds available over `windowMs`. */
export interface SloConfig {
  /** Percent, e.g. 99.9. */
  readonly objective: number;
  readonly windowMs: number;
}

export interface ComponentConfig {
  readonly name: string;
  readonly tier: Tier;
  readonly displayName: string;
  readonly environment: string;
  readonly runbook?: string;
  /** The dependencies' names, in config order (the graph without meaning). */
  readonly dependsOn: readonly string[];
  /** The same edges with their meaning: strength (default hard) and what they carry. */
  readonly dependencies: readonly Dependency[];
  /** From this own state on (this or worse), the component opens an automatic incident. */
  readonly incidentsOpenAt: Exclude<State, 'operational'>;
  readonly failAfter: number;
  readonly recoverAfter: number;
  /** Consecutive rounds over 2x baseline before latency alone makes a probe degraded. */
  readonly degradeAfter: number;
  readonly probes: readonly ProbeConfig[];
  /** Its own `slo`, else its tier's default from `slo_defaults`; none: no objective. */
  readonly slo?: SloConfig;
}

export interface AuthConfig {
  /** Bearer tokens; never logged. */
  readonly tokens: readonly string[];
  readonly read: 'token' | 'public';
  /** Optional CIDR allowlist for every request (status page and API). */
  readonly allow?: readonly string[];
  /** Header set by a trusted SSO proxy whose presence authenticates a reader. */
  readonly trustedProxyHeader?: string;
  /** CIDR ranges of that proxy: the header counts only on requests from them. */
  readonly trustedProxies?: readonly string[];
}

export interface SlackConfig {
  readonly webhookUrl?: string;
  readonly signingSecret?: string;
  /** Incident threads (sinks/slack.ts): both or neither. */
  readonly botToken?: string;
  readonly incidentChannel?: string;
  /** Web API base; slack-api/client.ts's SLACK_API_URL when absent (a test or a proxy sets it). */
  readonly apiUrl?: string;
  /** The status page's public address, for links in Slack messages. */
  readonly pageUrl?: string;
}

export interface GrafanaConfig {
  readonly url: string;
  readonly token: string;
}

export interface WebhookConfig {
  /** Unique; the sink is named `webhook:<name>` in logs and in the outbox. */
  readonly name: string;
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
}

export interface PrometheusConfig {
  readonly url: string;
}

export interface ReportsConfig {
  /** IANA zone for the daily 09:00 and weekly Monday 09:00 runs. */
  readonly timezone: string;
  readonly daily: boolean;
  readonly weekly: boolean;
}

/** One public component of an audience page: plain words, standing for internal components. */
export interface PublicComponentConfig {
  /** Stable id in the public API (config `id`, or a slug of the name). */
  readonly id: string;
  readonly name: string;
  readonly group?: string;
  /** `group-<slug>`: groups are components of their own in the Statuspage format. */
  readonly groupId?: string;
  readonly description?: string;
  /** Internal component names, unique; never shown on the page. */
  readonly internal: readonly string[];
  /** Rollup: a state shows when at least this many internal components are that bad (1 = worst of). */
  readonly atLeast: number;
}

/** An audience page (`pages:`): derived from the internal graph, public by design. */
export interface PageConfig {
  readonly id: string;
  readonly title: string;
  /** Its own listener; absent when mounted at `path` on the internal listener. */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Where it is served: `/` on its own listener by default. No trailing slash (except `/`). */
  readonly path: string;
  /** The address customers use, for links in feeds; no trailing slash. */
  readonly url?: string;
  readonly thirdPartyNote: boolean;
  readonly autoPublish: boolean;
  readonly components: readonly PublicComponentConfig[];
}
/** Probe-result store (history/results-store.ts); all durations in ms. */
export interface HistoryConfig {
  /** Nothing older is kept. */
  readonly retentionMs: number;
  /** Every result is kept this long, then summed per 5 minutes. */
  readonly fullResolutionMs: number;
  /** 5-minute buckets are kept this long, then summed per hour. */
  readonly fiveMinuteMs: number;
  /** How often queued results are written (one transaction). */
  readonly flushIntervalMs: number;
}

export const HISTORY_DEFAULTS: HistoryConfig = Object.freeze({
  retentionMs: 30 * 86_400_000,
  fullResolutionMs: 6 * 3_600_000,
  fiveMinuteMs: 48 * 3_600_000,
  flushIntervalMs: 5_000,
});

/** `cluster:`: this replica's part in a cluster sharing the incident store's PostgreSQL (docs/cluster.md). */
export interface ClusterConfig {
  /** Unique among the replicas; the host name by default. */
  readonly name: string;
  readonly location: string;
  /** Probers per component as configured; 2 by default (cluster/assign.ts). */
  readonly replication?: number;
  readonly leaseMs: number;
}
/**
 * Where incidents, their outboxes and public incidents live (read at start; a reload keeps it).
 * SQLite under data_dir is the embedded default; PostgreSQL is for several replicas on one database.
 */
export type StoreConfig =
  | { readonly kind: 'sqlite' }
  | {
      readonly kind: 'postgres';
      /** postgres:// URL, a secret (from ${file:...} or ${ENV}); never logged. */
      readonly dsn: string;
      /** Connections at most per process. */
      readonly poolSize: number;
    };

export interface Config {
  /** The file it was read from (absolute), for messages. */
  readonly file: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  /** The loader always sets it; hand-built configs may leave it out (SQLite). */
  readonly store?: StoreConfig;
  /** Most probes in flight at once. */
  readonly maxConcurrency: number;
  readonly auth?: AuthConfig;
  readonly slack?: SlackConfig;
  readonly grafana?: GrafanaConfig;
  readonly webhooks?: readonly WebhookConfig[];
  readonly prometheus?: PrometheusConfig;
  readonly reports: ReportsConfig;
  readonly history: HistoryConfig;
  readonly components: readonly ComponentConfig[];
  /** Audience pages; the loader always sets it (empty when none); hand-built configs may leave it out. */
  readonly pages?: readonly PageConfig[];
  /** Maintenance windows of the config (issue 19); the loader always sets it; hand-built configs may leave it out. */
  readonly maintenance?: MaintenanceConfig;
  /** Several replicas on PostgreSQL; absent: one process. */
  readonly cluster?: ClusterConfig;
  /** Every interpolated secret value, so that logs and outputs can redact them. */
  readonly secrets: readonly string[];
}
