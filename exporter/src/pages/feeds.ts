/*
 * Atom and RSS feeds of a page's incidents and maintenances, built with the `feed` library. One
 * entry per public incident, its updates newest first, as Statuspage's history.atom and history.rss
 * do, and one per maintenance window that touches the page (the ones scheduled-maintenances.json
 * lists: scheduled, in progress, completed), with its times. An entry's date is its last change,
 * so readers see it again; entries are newest first.
 */
import { Feed, type Item } from 'feed';
import { escapeHtml, STATUS_WORDS } from './escape.js';
import { maintenancesJson } from './maintenance-json.js';
import type { PageJsonInput } from './statuspage-json.js';

const when = (ms: number) => new Date(ms).toUTCString();

function incidentItems(i: PageJsonInput): Item[] {
  return i.incidents.map((x) => {
    const content = [...x.updates].reverse()
      .map((u) => `<p><small>${when(u.at)}</small><br><strong>${STATUS_WORDS[u.status]}</strong> - ${escapeHtml(u.body)}</p>`)
      .join('');
    const link = `${i.baseUrl}/#incident-${x.id}`;
    return { title: x.title, id: link, guid: link, link, date: new Date(x.updatedAt), published: new Date(x.createdAt), description: content, content };
  });
}

function maintenanceItems(i: PageJsonInput): Item[] {
  return maintenancesJson(i.state.page, i.maintenances ?? [], i.baseUrl).map((m) => {
    const content = `<p><strong>${STATUS_WORDS[m.status]}</strong> - ${escapeHtml(m.incident_updates[0]!.body)}</p>`
      + `<p>Scheduled from ${when(Date.parse(m.scheduled_for))} to ${when(Date.parse(m.scheduled_until))}.</p>`
      + `<p>Affected: ${escapeHtml(m.components.map((c) => c.name).join(', '))}</p>`;
    return {
      title: `Maintenance: ${m.name}`, id: m.shortlink, guid: m.shortlink, link: m.shortlink,
      date: new Date(m.updated_at), published: new Date(m.created_at), description: content, content,
    };
  });
}

function build(i: PageJsonInput): Feed {
  const { page } = i.state;
  const items = [...incidentItems(i), ...maintenanceItems(i)].sort((a, b) => b.date.getTime() - a.date.getTime());
  const updated = Math.max(i.state.startedAt, ...items.map((x) => x.date.getTime()));
  const feed = new Feed({
    id: `${i.baseUrl}/`,
    title: `${page.title} - incident history`,
    link: `${i.baseUrl}/`,
    updated: new Date(updated),
    generator: 'statusgraph',
    description: `Incidents and scheduled maintenance on ${page.title}`,
    feedLinks: { atom: `${i.baseUrl}/history.atom`, rss: `${i.baseUrl}/history.rss` },
  });
  for (const item of items) feed.addItem(item);
  return feed;
}

export const atomFeed = (i: PageJsonInput): string => build(i).atom1();
export const rssFeed = (i: PageJsonInput): string => build(i).rss2();
