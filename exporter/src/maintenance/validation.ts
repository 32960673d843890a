/** Request bodies of the maintenance API (zod, strict), shared by the API, the page and Slack. */
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const when = z.union([z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /[zZ]|[+-]\d\d:?\d\d$/.test(s), 'must be an ISO 8601 time with its zone'), z.number().int().positive()])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));
const span = z.string().transform((s, ctx) => {
  const ms = parseDuration(s.trim());
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like 30m or 1h30m' });
    return z.NEVER;
  }
  return ms;
});

/** POST /api/v1/maintenance: "start now for 30m" is `{components, duration: "30m"}`; else start and end (or duration). */
export const createWindowBody = z.strictObject({
  title: text(200).optional(),
  description: text(2_000).optional(),
  components: z.array(z.string().min(1)).min(1, 'name at least one component').max(500),
  start: when.optional(),
  end: when.optional(),
  duration: span.optional(),
  recover_after: z.number().int().min(1).max(1_000).optional(),
  author: text(64).optional(),
});

export type CreateWindowBody = z.output<typeof createWindowBody>;

export const cancelWindowBody = z.strictObject({ author: text(64).optional() });

export const listWindowsQuery = z.strictObject({
  state: z.enum(['upcoming', 'active', 'ended', 'cancelled']).optional(),
  days: z.coerce.number().int().min(1).max(366).optional(),
});
