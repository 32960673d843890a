/*
 * Publishing to audience pages: an internal incident gets a public title and human-written
 * updates, checked against the page config before anything is stored. The public ids are random,
 * so nothing on the public side leads back to the internal incident.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PageConfig } from '../config/types.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { PUBLIC_IMPACTS, PUBLIC_STATUSES, type PublicIncident, type PublicIncidentStore, type PublicNote } from '../incidents/public.js';
import { IncidentStateError } from '../incidents/store.js';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const publishBody = z.strictObject({
  page: z.string().min(1),
  title: text(200),
  body: text(4000),
  status: z.enum(PUBLIC_STATUSES).exclude(['resolved']).default('investigating'),
  impact: z.enum(PUBLIC_IMPACTS).default('major'),
  components: z.array(z.string()).max(200).default([]),
  author: text(64).default('api'),
});

export const publicUpdateBody = z.strictObject({
  status: z.enum(PUBLIC_STATUSES),
  body: text(4000),
  author: text(64).default('api'),
});

/** Where customers read a public incident: its anchor on the page (the page's HTML has `id="incident-<id>"`). */
export function publicIncidentUrl(pageUrl: string, id: string): string {
  return `${pageUrl}/#incident-${id}`;
}

/** 12 characters of [a-z0-9], like Statuspage's ids: 62 bits, never a sequence. */
export function publicId(): string {
  return crypto.randomBytes(8).readBigUInt64BE().toString(36).padStart(12, '0').slice(-12);
}

export interface PublisherDeps {
  readonly store: PublicIncidentStore;
  readonly pages: () => readonly PageConfig[];
  readonly now: () => number;
  /** The page's address as customers reach it, once its listener is up. */
  readonly pageUrl?: (page: string) => string | undefined;
  /** After a write noted in an internal incident: its SSE event and its sinks (Slack thread, webhooks). Never rejects. */
  readonly onNoted?: (incidentId: number) => Promise<void>;
}

/**
 * The internal timeline's words for what customers were told, with the link to it (never the
 * other way: the public side has no link back).
 */
function note(page: PageConfig, what: string, status: string, body: string, author: string, url: string | undefined): PublicNote {
  return { author, text: `${what} on ${page.title} (${page.id}) [${status}]: ${body}${url ? ` ${url}` : ''}` };
}

export interface Publisher {
  publish(incidentId: number | null, input: z.output<typeof publishBody>): Promise<PublicIncident>;
  addUpdate(id: string, input: z.output<typeof publicUpdateBody>): Promise<PublicIncident>;
  get(id: string): Promise<PublicIncident | undefined>;
}

export function createPublisher(deps: PublisherDeps): Publisher {
  const urlOf = (page: string, id: string): string | undefined => {
    const base = deps.pageUrl?.(page);
    return base === undefined ? undefined : publicIncidentUrl(base, id);
  };
  const pageOf = (id: string): PageConfig => {
    const page = deps.pages().find((p) => p.id === id);
    if (!page) throw new BadRequestError(`page: unknown page "${id}" (one of ${deps.pages().map((p) => p.id).join(', ') || 'none configured'})`);
    return page;
  };
  return {
    async publish(incidentId, input) {
      const page = pageOf(input.page);
      const known = new Set(page.components.map((c) => c.id));
      input.components.forEach((c, i) => {
        if (!known.has(c)) throw new BadRequestError(`components.${i}: unknown public component "${c}" of page "${page.id}"`);
      });
      if (incidentId !== null && (await deps.store.listPublic({ page: page.id, incidentId })).length > 0) {
        throw new ConflictError(`the incident is already published to page "${page.id}"; post updates to that public incident`);
      }
      const id = publicId();
      const url = urlOf(page.id, id);
      await deps.store.publish({
        id, page: page.id, incidentId, title: input.title, impact: input.impact, components: [...new Set(input.components)],
        update: { id: publicId(), status: input.status, body: input.body, at: deps.now() },
        note: note(page, `Published “${input.title}”`, input.status, input.body, input.author, url),
      });
      if (incidentId !== null) await deps.onNoted?.(incidentId);
      return (await deps.store.getPublic(id))!;
    },
    async addUpdate(id, input) {
      const before = await deps.store.getPublic(id);
      if (!before) throw new NotFoundError(`no public incident ${id}`);
      const page = deps.pages().find((p) => p.id === before.page);
      const told = page ? note(page, 'Public update', input.status, input.body, input.author, urlOf(page.id, id)) : undefined;
      try {
        await deps.store.addPublicUpdate(id, { id: publicId(), status: input.status, body: input.body, at: deps.now() }, told);
      } catch (e) {
        if (!(e instanceof IncidentStateError)) throw e;
        if (!(await deps.store.getPublic(id))) throw new NotFoundError(`no public incident ${id}`);
        throw new ConflictError(`public incident ${id} is already resolved`);
      }
      if (before.incidentId !== null && told) await deps.onNoted?.(before.incidentId);
      return (await deps.store.getPublic(id))!;
    },
    get: (id) => deps.store.getPublic(id),
  };
}
