/** Request bodies of the incident API (zod, strict: an unknown key is an error naming it). */
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import { SEVERITIES, UPDATE_STATUSES } from './types.js';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const author = text(64).optional();

export const createIncidentBody = z.strictObject({
  title: text(200),
  components: z.array(z.string()).min(1, 'name at least one component').max(200),
  severity: z.enum(SEVERITIES).optional(),
  text: text(4000).optional(),
  author,
});

export const updateIncidentBody = z.strictObject({
  text: text(4000),
  status: z.enum(UPDATE_STATUSES).optional(),
  author,
});

export const resolveIncidentBody = z.strictObject({
  text: text(4000).optional(),
  author,
});

export const listIncidentsQuery = z.strictObject({
  state: z.enum(['open', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Parses or throws a 400 whose message starts with the offending field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown, what = 'body'): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') field = issue.keys.join(', ');
  throw new BadRequestError(`${field || what}: ${issue.message}`);
}
