import { z } from 'zod';
import { durationSchema } from './duration.js';
import { TIERS } from './types.js';
import type { ProbeKind } from '../probes/types.js';

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
]);

const cidr = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must be an IP address or CIDR range');

export const fileSchema = z.strictObject({
  interval: durationSchema.default(30_000),
  timeout: durationSchema.default(10_000),
  listen: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'must be HOST:PORT').default('127.0.0.1:9470'),
  data_dir: z.string().min(1).default('./data'),
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
  }).optional(),
  slack: z.strictObject({
    webhook_url: url.optional(),
    signing_secret: z.string().min(1).optional(),
  }).optional(),
  grafana: z.strictObject({ url, token: z.string().min(1) }).optional(),
  prometheus: z.strictObject({ url }).optional(),
  reports: z.strictObject({
    timezone: z.string().refine((tz) => {
      try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
    }, 'unknown time zone').default('UTC'),
    daily: z.boolean().default(true),
    weekly: z.boolean().default(true),
  }).prefault({}),
  components: z.array(z.strictObject({
    name,
    tier: z.enum(TIERS),
    display_name: z.string().min(1).optional(),
    environment: z.string().regex(/^[a-z0-9_-]+$/, 'must match [a-z0-9_-]+').default('production'),
    runbook: url.optional(),
    depends_on: z.array(name).default([]),
    fail_after: positiveInt.optional(),
    recover_after: positiveInt.optional(),
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
  timeout: durationSchema.optional(),
  baseline: durationSchema.optional(),
};

const probeSchemas = new WeakMap<ProbeKind<any>, z.ZodObject>();

/**
 * The schema of one probe of `kind`: the common keys plus the kind's own, strict. Built once per
 * kind: zod compiles each object schema into a validator function on first use, and building one
 * per probe made loading 10,000 probes allocate ~1 GB (bench/README.md).
 */
export function probeSchema(kind: ProbeKind<any>): z.ZodObject {
  let schema = probeSchemas.get(kind);
  if (!schema) {
    const own = (kind.options as unknown as z.ZodObject).shape;
    schema = z.strictObject({ ...own, ...commonProbeShape });
    probeSchemas.set(kind, schema);
  }
  return schema;
}
