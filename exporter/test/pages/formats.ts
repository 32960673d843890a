/*
 * The public formats an audience page answers in, checked as a client would: its JSON against the
 * Statuspage v2 schema written from shared/fixtures/statuspage (statuspage-v2.schema.json), its
 * feeds through feedsmith (a feed parser from npm) plus the elements that Atom (RFC 4287) and
 * RSS 2.0 require, which the parser does not insist on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseAtomFeed, parseRssFeed } from 'feedsmith';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const ajv = new Ajv({ allErrors: true });
// The three formats the schema uses, checked as the public format writes them.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(HERE, 'statuspage-v2.schema.json'), 'utf8')) as object, 'sp');

/** 'valid', or what is wrong with `doc` as the schema's definition `def` (summary, incidentsDoc, ...). */
export function statuspageValid(def: string, doc: unknown): string {
  const v = ajv.getSchema(`sp#/definitions/${def}`);
  if (!v) throw new Error(`no definition ${def} in statuspage-v2.schema.json`);
  return v(doc) ? 'valid' : ajv.errorsText(v.errors);
}

/** One entry of a feed: the same fields from either format. */
export interface FeedEntry {
  readonly id: string;
  readonly title: string;
  readonly link: string;
  /** Epoch ms of its last change (Atom `updated`, RSS `pubDate`). */
  readonly date: number;
  /** The HTML of its updates. */
  readonly content: string;
}

function need<T>(value: T | undefined | null | '', what: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`feed: ${what} is missing`);
  return value;
}

function date(value: unknown, what: string): number {
  const ms = Date.parse(String(need(value, what)));
  if (Number.isNaN(ms)) throw new Error(`feed: ${what} is not a date: ${String(value)}`);
  return ms;
}

/** The Atom feed's entries, after its required elements (feed and entry id, title, updated). */
export function atomEntries(xml: string): FeedEntry[] {
  const feed = parseAtomFeed(xml);
  need(feed.id, 'atom feed id');
  need(feed.title?.value, 'atom feed title');
  date(feed.updated, 'atom feed updated');
  return (feed.entries ?? []).map((e, n) => ({
    id: need(e.id, `atom entry ${n} id`),
    title: need(e.title?.value, `atom entry ${n} title`),
    link: need(e.links?.[0]?.href, `atom entry ${n} link`),
    date: date(e.updated, `atom entry ${n} updated`),
    content: need(e.content?.value, `atom entry ${n} content`),
  }));
}

/** The RSS feed's items, after its required elements (channel title, link, description; item title, guid, date). */
export function rssEntries(xml: string): FeedEntry[] {
  const feed = parseRssFeed(xml);
  need(feed.title, 'rss channel title');
  need(feed.link, 'rss channel link');
  need(feed.description, 'rss channel description');
  return (feed.items ?? []).map((e, n) => ({
    id: need(e.guid?.value, `rss item ${n} guid`),
    title: need(e.title, `rss item ${n} title`),
    link: need(e.link, `rss item ${n} link`),
    date: date(e.pubDate, `rss item ${n} pubDate`),
    content: need(e.description, `rss item ${n} description`),
  }));
}

/** Both feeds of the page at `base`, each checked; they must list the same entries in the same order, newest first. */
export async function readFeeds(base: string): Promise<{ atom: FeedEntry[]; rss: FeedEntry[] }> {
  const get = async (p: string, type: string) => {
    const r = await fetch(`${base}${p}`);
    if (r.status !== 200 || !r.headers.get('content-type')?.startsWith(type)) throw new Error(`${p}: ${r.status} ${r.headers.get('content-type')}`);
    return r.text();
  };
  const atom = atomEntries(await get('/history.atom', 'application/atom+xml'));
  const rss = rssEntries(await get('/history.rss', 'application/rss+xml'));
  const key = (e: FeedEntry) => `${e.title} ${e.link}`;
  if (JSON.stringify(atom.map(key)) !== JSON.stringify(rss.map(key))) throw new Error(`feeds differ: ${JSON.stringify(atom.map(key))} / ${JSON.stringify(rss.map(key))}`);
  // RSS dates have whole seconds.
  atom.forEach((e, n) => { if (n > 0 && e.date > atom[n - 1]!.date) throw new Error(`atom entries not newest first at ${n}`); });
  return { atom, rss };
}
