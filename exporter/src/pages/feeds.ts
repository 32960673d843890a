/*
 * Atom and RSS feeds of a page's incidents (and, once they exist, maintenances), built with the
 * `feed` library. One entry per public incident, its updates newest first, as Statuspage's
 * history.atom and history.rss do; an entry's date is its last update, so readers see it again.
 */
import { Feed } from 'feed';
import { escapeHtml, STATUS_WORDS } from './escape.js';
import type { PageJsonInput } from './statuspage-json.js';

function build(i: PageJsonInput): Feed {
  const { page } = i.state;
  const updated = Math.max(i.state.startedAt, ...i.incidents.map((x) => x.updatedAt));
  const feed = new Feed({
    id: `${i.baseUrl}/`,
    title: `${page.title} - incident history`,
    link: `${i.baseUrl}/`,
    updated: new Date(updated),
    generator: 'statusgraph',
    feedLinks: { atom: `${i.baseUrl}/history.atom`, rss: `${i.baseUrl}/history.rss` },
  });
  for (const x of i.incidents) {
    const content = [...x.updates].reverse()
      .map((u) => `<p><small>${new Date(u.at).toUTCString()}</small><br><strong>${STATUS_WORDS[u.status]}</strong> - ${escapeHtml(u.body)}</p>`)
      .join('');
    feed.addItem({
      title: x.title,
      id: `${i.baseUrl}/#incident-${x.id}`,
      guid: `${i.baseUrl}/#incident-${x.id}`,
      link: `${i.baseUrl}/#incident-${x.id}`,
      date: new Date(x.updatedAt),
      published: new Date(x.createdAt),
      description: content,
      content,
    });
  }
  return feed;
}

export const atomFeed = (i: PageJsonInput): string => build(i).atom1();
export const rssFeed = (i: PageJsonInput): string => build(i).rss2();
