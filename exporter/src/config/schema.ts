import { z } from 'zod';
import net from 'node:net';
import { duration } from './duration.js';
import { EDGE_STRENGTHS, STATES, TIERS } from '@statusgraph/core';
import { listenProblem } from './listen.js';
import { pagesSchema } from './pages.js';
import { maintenanceSchema } from './maintenance.js';
import { clusterSchema } from './cluster.js';

export { listenProblem, parseListen } from './listen.js';
import { HISTORY_DEFAULTS, type ProbeKindSchema } from './types.js';

/*
 * The YAML shape, as users write it (snake_case). Objects are strict: an unknown key is an error,
 * because a misspelt `recover_afer` silently ignored is worse than a refusal to start.
 */

const name = z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+');
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const positiveInt = z.number().int().min(1);

const tokenList = z.union([
  z.string().transform((s) => s.split(/\r?\n/).map((t) => t.trim()).filter((t) => t !== '' && !t.startsWith('#'))),
  z.array(z.string().min(1)),
], { error: 'expected a list of tokens, or a string with one token per line' });

/** An address or CIDR range as node:net's BlockList takes it (http/auth.ts); `999.1.1.1/99` made every route answer 500. */
export function validCidr(s: string): boolean {
  const slash = s.indexOf('/');
  const addr = slash === -1 ? s : s.slice(0, slash);
  const family = net.isIP(addr);
  if (family === 0) return false;
  if (slash === -1) return true;
  const bits = s.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * One dependency: a name (today's form, a hard edge) or an edge with meaning. `carries` is shown
 * in messages as "affects: <carries> in <dependent>", so it is kept to one short line (80 chars:
 * a Slack message line, with the dependent's name around it).
 */
const dependency = z.union([
  name,
  z.strictObject({
    name,
    carries: z.string().trim().min(1, 'must not be empty').max(80, 'at most 80 characters').regex(/^[^\r\n]*$/, 'must be one line').optional(),
    strength: z.enum(EDGE_STRENGTHS).default('hard'),
  }),
], { error: 'a dependency is a component name or {name, carries, strength}' });

/**
 * From which own state on a component opens an automatic incident (incidents.open_at): that state
 * or worse. A threshold rather than a list, so that a replica set to `degraded` keeps its incident
 * when it goes on to fail.
 */
const openAt = z.enum(STATES.filter((s) => s !== 'operational') as ['degraded', 'partial_outage', 'major_outage']);

const cidr = z.string().refine(validCidr, 'must be an IP address or CIDR range, e.g. 10.0.0.0/8 or ::1');

/** Limits of the durations, stated in README's config table. */
export const INTERVAL = duration(500, 86_400_000);
export const TIMEOUT = duration(1, 86_400_000);
const BASELINE = duration(1, 3_600_000);
/** Ages in the result store: compared with timestamps, never waited for, so beyond a timer's 24.8 days. */
const HISTORY_AGE = duration(60_000, 366 * 86_400_000);
const HISTORY_FLUSH = duration(100, 3_600_000);
const HOUR = 3_600_000;

/**
 * An objective: the percentage of probe rounds that must be available (operational or degraded)
 * over a rolling window. The window is 7 to 90 days in whole hours: the burn-rate alerts read 5m to
 * 3d of it (rules/slo.ts), and a window shorter than their 3-day ticket window makes no sense.
 */
const sloSchema = z.strictObject({
  objective: z.number().gt(0, 'must be a percentage above 0').lt(100, 'must be below 100 (an objective of 100 % has no error budget)'),
  window: duration(7 * 24 * HOUR, 90 * 24 * HOUR).refine((ms) => ms % HOUR === 0, 'must be a whole number of hours, e.g. 30d').default(30 * 24 * HOUR),
});

export const fileSchema = z.strictObject({
  interval: INTERVAL.default(30_000),
  timeout: TIMEOUT.default(10_000),
  listen: z.string().superRefine((s, ctx) => {
    const problem = listenProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).default('127.0.0.1:9470'),
  data_dir: z.string().min(1).default('./data'),
  // The incident store (issue 22): SQLite under data_dir, or one PostgreSQL database shared by
  // every replica. The DSN is a secret key: write it as ${file:/run/secrets/...} or ${ENV}.
  store: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sqlite') }),
    z.strictObject({
      kind: z.literal('postgres'),
      dsn: z.string().min(1).refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// or postgresql:// URL'),
      pool_size: positiveInt.max(100).default(5),
    }),
  ]).default({ kind: 'sqlite' }),
  max_concurrency: positiveInt.max(100_000).default(512),
  fail_after: positiveInt.default(1),
  recover_after: positiveInt.default(2),
  // Latency over 2x baseline this many rounds in a row before "degraded": on a loaded 2-core soak the
  // longest run of slow samples of a healthy target was 2 (bench/README.md, "Soak").
  degrade_after: positiveInt.default(3),
  auth: z.strictObject({
    tokens: tokenList.refine((t) => t.length > 0, 'at least one token is required'),
    read: z.enum(['token', 'public']).default('token'),
    allow: z.array(cidr).optional(),
    trusted_proxy_header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name').optional(),
    // The proxy's own addresses: anyone can send the header, only the proxy is believed.
    trusted_proxies: z.array(cidr).min(1, 'list at least one proxy address').optional(),
  }).superRefine((a, ctx) => {
    if (a.trusted_proxy_header !== undefined && a.trusted_proxies === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['trusted_proxy_header'],
        message: 'needs auth.trusted_proxies, the addresses of the proxy that sets it (e.g. trusted_proxies: [10.0.0.5/32]); from any other address the header is ignored',
      });
    }
  }).optional(),
  slack: z.strictObject({
    webhook_url: url.optional(),
    signing_secret: z.string().min(1).optional(),
    // Incident threads (sinks/slack.ts): a bot token (xoxb-...) and the channel's id. An id, not
    // a #name: conversations.history, which finds a message whose answer was lost, takes ids only.
    // Both empty is off, so that a compose file can pass unset variables through.
    bot_token: z.string().optional(),
    incident_channel: z.string().regex(/^([CG][A-Z0-9]{2,})?$/, 'must be a channel id such as C0123ABCD (channel details, bottom)').optional(),
    // Where the Web API is; only a test or an egress proxy changes it.
    api_url: url.optional(),
    // The status page's address as people reach it, for the link in each incident message.
    page_url: url.optional(),
  }).superRefine((s, ctx) => {
    if (!s.bot_token !== !s.incident_channel) {
      ctx.addIssue({ code: 'custom', path: [s.bot_token ? 'incident_channel' : 'bot_token'], message: 'slack.bot_token and slack.incident_channel go together (incident threads need both)' });
    }
  }).optional(),
  grafana: z.strictObject({ url, token: z.string().min(1) }).optional(),
  // Incident webhooks (sinks/webhook.ts): each change of each incident is POSTed as JSON.
  webhooks: z.array(z.strictObject({ name, url, token: z.string().min(1).optional() }))
    .refine((ws) => new Set(ws.map((w) => w.name)).size === ws.length, 'webhook names must be unique')
    .optional(),
  prometheus: z.strictObject({ url }).optional(),
  // Per-tier default objectives; a component's own `slo` replaces its tier's.
  slo_defaults: z.partialRecord(z.enum(TIERS), sloSchema).optional(),
  reports: z.strictObject({
    timezone: z.string().refine((tz) => {
      try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
    }, 'unknown time zone').default('UTC'),
    daily: z.boolean().default(true),
    weekly: z.boolean().default(true),
  }).prefault({}),
  // Audience pages (config/pages.ts); their checks across keys run in load.ts.
  pages: pagesSchema,
  // Maintenance windows (config/maintenance.ts); their checks across keys run in load.ts.
  maintenance: maintenanceSchema,
  // Probe results in data_dir/results.db (issue 17): every result for full_resolution, then
  // 5-minute buckets for five_minute, then hourly ones until retention. Sizing: docs/architecture.md.
  history: z.strictObject({
    retention: HISTORY_AGE.default(HISTORY_DEFAULTS.retentionMs),
    full_resolution: HISTORY_AGE.default(HISTORY_DEFAULTS.fullResolutionMs),
    five_minute: HISTORY_AGE.default(HISTORY_DEFAULTS.fiveMinuteMs),
    flush_interval: HISTORY_FLUSH.default(HISTORY_DEFAULTS.flushIntervalMs),
  }).prefault({}),
  incidents: z.strictObject({ open_at: openAt.default('major_outage') }).prefault({}),
  // Several replicas sharing PostgreSQL (config/cluster.ts, docs/cluster.md).
  cluster: clusterSchema,
  components: z.array(z.strictObject({
    name,
    tier: z.enum(TIERS),
    display_name: z.string().min(1).optional(),
    environment: z.string().regex(/^[a-z0-9_-]+$/, 'must match [a-z0-9_-]+').default('production'),
    runbook: url.optional(),
    depends_on: z.array(dependency).default([]),
    // Overrides incidents.open_at for this component (e.g. a replica whose lag matters: degraded).
    incidents: z.strictObject({ open_at: openAt }).optional(),
    fail_after: positiveInt.optional(),
    recover_after: positiveInt.optional(),
    slo: sloSchema.optional(),
    degrade_after: positiveInt.optional(),
    // Validated per kind afterwards, so that the error names the kind's own keys.
    probes: z.array(z.record(z.string(), z.unknown())).min(1, 'a component needs at least one probe'),
  })).min(1, 'at least one component is required'),
});

export type FileConfig = z.output<typeof fileSchema>;

/** Keys every probe has, whatever its kind. */
export const commonProbeShape = {
  kind: z.string(),
  name: name.optional(),
  timeout: TIMEOUT.optional(),
  baseline: BASELINE.optional(),
};

const probeSchemas = new WeakMap<ProbeKindSchema, z.ZodObject>();

/**
 * The schema of one probe of `kind`: the common keys plus the kind's own, strict. Built once per
 * kind: zod compiles each object schema into a validator function on first use, and building one
 * per probe made loading 10,000 probes allocate ~1 GB (bench/README.md).
 */
export function probeSchema(kind: ProbeKindSchema): z.ZodObject {
  let schema = probeSchemas.get(kind);
  if (!schema) {
    const own = (kind.options as unknown as z.ZodObject).shape;
    schema = z.strictObject({ ...own, ...commonProbeShape });
    probeSchemas.set(kind, schema);
  }
  return schema;
}
