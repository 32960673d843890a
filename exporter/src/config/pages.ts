/*
 * Audience pages (`pages:`): public status pages derived from the internal graph. The YAML shape,
 * its checks across keys (internal components that exist, unique ids, listeners that do not clash)
 * and the typed, frozen form. Apart from schema.ts and load.ts so that those stay about the
 * internal config.
 */
import { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import type { PageConfig, PublicComponentConfig } from './types.js';
import { listenProblem, parseListen } from './listen.js';

type PathKey = string | number;
type Where = (p: readonly PathKey[], key?: string) => { line: number; col: number };

const pageId = z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+');
const plainText = z.string().min(1).max(200);

/** `worst` (the default) or `{ at_least: N }`: the public component shows a state when N of its internal components are at least that bad. */
const rollup = z.union([
  z.literal('worst'),
  z.strictObject({ at_least: z.number().int().min(1) }),
], { error: 'must be "worst" or { at_least: N }' }).default('worst');

/*
 * Paths of the internal listener that a mounted page must not shadow: the API, lifecycle, metrics
 * and the internal page's own routes.
 */
const RESERVED = ['/api', '/-', '/metrics', '/static', '/login', '/logout'];

const pageSchema = z.strictObject({
  id: pageId,
  title: plainText,
  // Its own listener (public by design: no token, GET/HEAD only), or a path on the internal one.
  listen: z.string().optional(),
  path: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, 'must be a URL path starting with /').optional(),
  // The address customers use, for feed and incident links; the listener's own URL otherwise.
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  // Say "related to a third-party provider" when every cause of a public outage is a vendor.
  third_party_note: z.boolean().default(false),
  // Open a public incident with a plain-words notice when a public component goes into outage.
  auto_publish: z.boolean().default(false),
  components: z.array(z.strictObject({
    name: plainText,
    id: pageId.optional(),
    group: plainText.optional(),
    description: plainText.optional(),
    internal: z.array(z.string().min(1)).min(1, 'list at least one internal component'),
    rollup,
  })).min(1, 'a page needs at least one component'),
});

export const pagesSchema = z.array(pageSchema).default([]);

export type FilePages = z.output<typeof pagesSchema>;
type FilePage = FilePages[number];

/** The pages that parse, at their index, when the list as a whole does not: their checks still run. */
export function soundPages(raw: unknown): [number, FilePage][] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p, i) => {
    const r = pageSchema.safeParse(p);
    return r.success ? [[i, r.data] as [number, FilePage]] : [];
  });
}

/** A name as a Statuspage-style id: lower case, dashes. */
export function slug(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'component';
}

export interface PageCheckInput {
  readonly file: string;
  readonly where: Where;
  readonly issues: ConfigIssue[];
  /** Names of the internal components. */
  readonly components: ReadonlySet<string>;
  /** The internal listener, HOST:PORT as written. */
  readonly internalListen: string | undefined;
}

function checkPage(p: FilePage, i: number, input: PageCheckInput, listeners: Map<string, number>): void {
  const { file, where, issues } = input;
  const at = (...rest: PathKey[]) => ['pages', i, ...rest];
  const push = (path: PathKey[], message: string) => issues.push({ file, ...where(path), message: `${path.join('.')}: ${message}` });
  if (p.listen === undefined && p.path === undefined) push(at(), 'needs `listen` (its own listener) or `path` (mounted on the internal listener)');
  if (p.listen !== undefined) {
    const problem = listenProblem(p.listen);
    if (problem) push(at('listen'), problem);
    else if (p.listen === input.internalListen && !p.listen.endsWith(':0')) push(at('listen'), `is the internal listener's address; a page on it is mounted with \`path\` instead`);
  } else if (p.path !== undefined && (p.path === '/' || RESERVED.some((r) => p.path === r || p.path!.startsWith(`${r}/`)))) {
    push(at('path'), `shadows a route of the internal listener (${RESERVED.join(', ')} and / are taken)`);
  }
  const key = `${p.listen ?? '(internal)'} ${p.path ?? '/'}`;
  const first = listeners.get(key);
  if (first !== undefined) push(at(p.listen !== undefined ? 'listen' : 'path'), `pages.${first} is already served at the same address and path`);
  else listeners.set(key, i);
  const ids = new Map<string, string>();
  p.components.forEach((c, j) => {
    c.internal.forEach((name, k) => {
      if (!input.components.has(name)) push(at('components', j, 'internal', k), `unknown internal component "${name}"`);
    });
    const m = new Set(c.internal).size;
    if (typeof c.rollup === 'object' && c.rollup.at_least > m) {
      push(at('components', j, 'rollup', 'at_least'), `is ${c.rollup.at_least} but the component stands for ${m} internal component${m > 1 ? 's' : ''}`);
    }
    const id = c.id ?? slug(c.name);
    const clash = ids.get(id);
    if (clash) push(at('components', j, c.id ? 'id' : 'name'), `id "${id}" is already used by ${clash}; set a distinct \`id\``);
    else ids.set(id, `component "${c.name}"`);
  });
  // Groups are components too in the public format, so their ids share the space.
  p.components.forEach((c, j) => {
    if (c.group === undefined) return;
    const id = `group-${slug(c.group)}`;
    const clash = ids.get(id);
    if (clash && clash !== `group "${c.group}"`) push(at('components', j, 'group'), `group id "${id}" is already used by ${clash}`);
    else ids.set(id, `group "${c.group}"`);
  });
}

/** The checks across keys of `pages:`; every problem is pushed, none thrown. */
export function checkPages(pages: readonly (readonly [number, FilePage])[], input: PageCheckInput): void {
  const seen = new Map<string, number>();
  const listeners = new Map<string, number>();
  pages.forEach(([i, p]) => {
    const first = seen.get(p.id);
    if (first !== undefined) input.issues.push({ file: input.file, ...input.where(['pages', i, 'id']), message: `pages.${i}.id: duplicate page id "${p.id}" (first defined at pages.${first})` });
    else seen.set(p.id, i);
    checkPage(p, i, input, listeners);
  });
}

/** The typed form of checked pages. */
export function buildPages(pages: FilePages): PageConfig[] {
  return pages.map((p) => ({
    id: p.id,
    title: p.title,
    ...(p.listen !== undefined ? { listen: parseListen(p.listen) } : {}),
    path: (p.path ?? '/').replace(/\/+$/, '') || '/',
    ...(p.url !== undefined ? { url: p.url.replace(/\/+$/, '') } : {}),
    thirdPartyNote: p.third_party_note,
    autoPublish: p.auto_publish,
    components: p.components.map((c): PublicComponentConfig => ({
      id: c.id ?? slug(c.name),
      name: c.name,
      ...(c.group !== undefined ? { group: c.group, groupId: `group-${slug(c.group)}` } : {}),
      ...(c.description !== undefined ? { description: c.description } : {}),
      internal: [...new Set(c.internal)],
      atLeast: c.rollup === 'worst' ? 1 : c.rollup.at_least,
    })),
  }));
}
