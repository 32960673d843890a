/*
 * What customers were told, under each internal incident: its public incidents (one per audience
 * page it was published to), their status, every public update and a link to each as customers
 * see it. Read from GET api/v1/incidents/{id}/public only for incidents whose timeline has a
 * `public` entry (publishing writes one), and again only when that count grows: an incident never
 * published costs no request, and nothing polls.
 */
import { getJson } from './api.js';
import { h } from './dom.js';
import type { IncidentView } from './model.js';

/** The internal API's view of a public incident (http/routes/public-incidents.ts). */
export interface PublicIncidentView {
  readonly id: string;
  readonly page: string;
  readonly title: string;
  readonly status: string;
  readonly url: string | null;
  readonly updates: readonly { readonly status: string; readonly body: string; readonly at: string }[];
}

/** How many `public` entries an incident's timeline has: what the loaded view must be at least as new as. */
export function publicNotes(i: IncidentView): number {
  return (i.timeline ?? []).filter((e) => e.kind === 'public').length;
}

/** Public incidents by internal incident, with the note count they were loaded at. */
export class ToldCache {
  private readonly loaded = new Map<string, { notes: number; list: readonly PublicIncidentView[] }>();
  private readonly loading = new Set<string>();

  /** The list to show, or undefined; starts a load (then `onLoaded`) when the incident has newer notes. */
  get(i: IncidentView, onLoaded: () => void): readonly PublicIncidentView[] | undefined {
    const notes = publicNotes(i);
    const have = this.loaded.get(i.id);
    if (notes > (have?.notes ?? 0) && !this.loading.has(i.id)) {
      this.loading.add(i.id);
      getJson<{ public_incidents: PublicIncidentView[] }>(`api/v1/incidents/${encodeURIComponent(i.id)}/public`)
        .then((r) => { this.loaded.set(i.id, { notes, list: r.public_incidents }); onLoaded(); }, () => undefined)
        .finally(() => this.loading.delete(i.id));
    }
    return have?.list;
  }
}

/** The block under an incident; null when it was never published. */
export function toldEl(list: readonly PublicIncidentView[] | undefined): HTMLElement | null {
  if (!list?.length) return null;
  return h('section', { class: 'told', 'aria-label': 'What customers were told' },
    ...list.map((x) => h('div', { class: 'told-one', 'data-public-id': x.id },
      h('p', { class: 'meta' }, 'Customers told on ', h('strong', {}, x.page), ' (', x.status, '): ',
        x.url ? h('a', { href: x.url, target: '_blank', rel: 'noopener' }, `“${x.title}”`) : `“${x.title}”`),
      // Newest first, like the internal timeline.
      h('ol', { class: 'timeline', reversed: true }, ...[...x.updates].reverse().map((u) =>
        h('li', {}, h('time', { datetime: u.at }, new Date(u.at).toLocaleString()), ` [${u.status}] `, h('span', {}, u.body)))))));
}
