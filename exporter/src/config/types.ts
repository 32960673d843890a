import type { ProbeConfig } from '../probes/types.js';

export const TIERS = ['service', 'infrastructure', 'third-party'] as const;
export type Tier = (typeof TIERS)[number];

export interface ComponentConfig {
  readonly name: string;
  readonly tier: Tier;
  readonly displayName: string;
  readonly environment: string;
  readonly runbook?: string;
  readonly dependsOn: readonly string[];
  readonly failAfter: number;
  readonly recoverAfter: number;
  /** Consecutive rounds over 2x baseline before latency alone makes a probe degraded. */
  readonly degradeAfter: number;
  readonly probes: readonly ProbeConfig[];
}

export interface AuthConfig {
  /** Bearer tokens; never logged. */
  readonly tokens: readonly string[];
  readonly read: 'token' | 'public';
  /** Optional CIDR allowlist for every request (status page and API). */
  readonly allow?: readonly string[];
  /** Header set by a trusted SSO proxy whose presence authenticates a reader. */
  readonly trustedProxyHeader?: string;
}

export interface SlackConfig {
  readonly webhookUrl?: string;
  readonly signingSecret?: string;
}

export interface GrafanaConfig {
  readonly url: string;
  readonly token: string;
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

export interface Config {
  /** The file it was read from (absolute), for messages. */
  readonly file: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  /** Most probes in flight at once. */
  readonly maxConcurrency: number;
  readonly auth?: AuthConfig;
  readonly slack?: SlackConfig;
  readonly grafana?: GrafanaConfig;
  readonly prometheus?: PrometheusConfig;
  readonly reports: ReportsConfig;
  readonly components: readonly ComponentConfig[];
  /** Every interpolated secret value, so that logs and outputs can redact them. */
  readonly secrets: readonly string[];
}
