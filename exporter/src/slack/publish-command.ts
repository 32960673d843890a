/*
 * `/incident publish`: telling customers about an internal incident on an audience page, from
 * Slack (issue 20). The first publish of an incident to a page needs a public title; the same
 * command without `--title` posts a public update to it (`--status resolved` resolves it). What
 * customers are told is the rest of the text, word for word.
 *
 * slack/ sits beside pages/, so running it goes through `SlackPublishing`, a port the HTTP layer
 * implements with the pages' publisher (which checks every field as the API route does).
 */
import { BadRequestError, NotFoundError } from '../errors.js';
import { formatId, parseLooseId } from '../incidents/ids.js';
import type { PublicIncident } from '../incidents/public.js';
import type { IncidentService } from '../incidents/service.js';
import { escapeSlack } from '../slack-api/mrkdwn.js';
import { takeOptions } from './words.js';

export interface PublishCommand {
  readonly kind: 'publish';
  readonly id: number;
  readonly page?: string;
  /** Present: a first publication; absent: a public update to the existing one. */
  readonly title?: string;
  readonly status?: string;
  readonly impact?: string;
  readonly components: readonly string[];
  /** What customers are told. */
  readonly text: string;
}

export const PUBLISH_HELP = '• `/incident publish <id> --title "Public title" [--page ID] [--status investigating|identified|monitoring] [--impact none|minor|major|critical] [--component ID ...] <what customers are told>` publishes it to an audience page; the same without `--title` (`--status identified|monitoring|resolved`) posts a public update';

const USAGE = 'usage: `/incident publish <id> [--title "Public title"] [--page ID] [--status S] <what customers are told>`';

export function parsePublish(ws: string[]): PublishCommand | { readonly kind: 'error'; readonly message: string } {
  const parsed = takeOptions(ws, ['page', 'title', 'status', 'impact', 'component']);
  if (typeof parsed === 'string') return { kind: 'error', message: parsed };
  const [idText, ...rest] = parsed.rest;
  const id = idText === undefined ? undefined : parseLooseId(idText);
  const text = rest.join(' ').trim();
  if (id === undefined || !text) return { kind: 'error', message: USAGE };
  const one = (name: string) => parsed.opts.get(name)?.at(-1);
  const optional = Object.fromEntries(['page', 'title', 'status', 'impact'].map((k) => [k, one(k)]).filter(([, v]) => v !== undefined));
  return { kind: 'publish', id, text, components: parsed.opts.get('component') ?? [], ...optional };
}

/** What `/incident publish` needs of the audience pages (implemented over pages/ by the HTTP layer). */
export interface SlackPublishing {
  pages(): readonly { readonly id: string; readonly title: string }[];
  /** The incident's public incidents, on every page. */
  forIncident(incidentId: number): Promise<readonly PublicIncident[]>;
  /** Fields as the API's publish body; a 4xx StatusgraphError names the wrong one. */
  publish(incidentId: number, body: Record<string, unknown>): Promise<PublicIncident>;
  update(publicId: string, body: Record<string, unknown>): Promise<PublicIncident>;
  /** Where customers read it, once the page's listener is up. */
  url(x: PublicIncident): string | undefined;
}

function pageOf(p: SlackPublishing, cmd: PublishCommand): { id: string; title: string } {
  const pages = p.pages();
  if (cmd.page === undefined && pages.length === 1) return pages[0]!;
  const page = pages.find((x) => x.id === cmd.page);
  if (page) return page;
  const known = pages.map((x) => x.id).join(', ');
  throw new BadRequestError(cmd.page === undefined ? `which page? --page ${known}` : `page: unknown page "${cmd.page}" (one of ${known})`);
}

/** Runs the command; the channel's answer (mrkdwn), or a 4xx StatusgraphError for the caller. */
export async function runPublish(p: SlackPublishing | undefined, service: IncidentService, cmd: PublishCommand, author: string): Promise<string> {
  if (!p || p.pages().length === 0) throw new BadRequestError('no audience page is configured (`pages:` in the config)');
  if (!(await service.get(cmd.id))) throw new NotFoundError(`no incident ${formatId(cmd.id)}`);
  const page = pageOf(p, cmd);
  let x: PublicIncident;
  if (cmd.title !== undefined) {
    x = await p.publish(cmd.id, {
      page: page.id, title: cmd.title, body: cmd.text, components: [...cmd.components], author,
      ...(cmd.status ? { status: cmd.status } : {}), ...(cmd.impact ? { impact: cmd.impact } : {}),
    });
  } else {
    const existing = (await p.forIncident(cmd.id)).find((y) => y.page === page.id);
    if (!existing) throw new BadRequestError(`${formatId(cmd.id)} is not published to ${page.id} yet: give it a public --title`);
    if (cmd.impact || cmd.components.length) throw new BadRequestError('--impact and --component go with the first publish (--title)');
    x = await p.update(existing.id, { status: cmd.status ?? existing.status, body: cmd.text, author });
  }
  const url = p.url(x);
  const what = cmd.title !== undefined ? 'published to' : x.status === 'resolved' ? 'resolved on' : 'updated on';
  return `:loudspeaker: *${formatId(cmd.id)}* ${what} *${escapeSlack(page.title)}* by ${escapeSlack(author)} [${x.status}]: “${escapeSlack(x.title)}”\n>${escapeSlack(cmd.text).replace(/\n/g, '\n>')}${url ? `\n<${escapeSlack(url)}|See it as customers do>` : ''}`;
}
