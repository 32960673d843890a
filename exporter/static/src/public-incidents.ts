/*
 * What customers were told, under each internal incident: its public incidents (one per audience
 * page it was published to), their status, every public update and a link to each as customers
 * see it; for a viewer who may write, a form to publish the incident to a page and one to post a
 * public update. Loaded once (GET api/v1/public-incidents), then again for one incident only when
 * its timeline has more `public` entries (one per publication or public update) than the updates
 * known for it: an incident never published costs no request, and nothing polls.
 */
import { getJson, postJson } from './api.js';
import { h } from './dom.js';
import type { IncidentView } from './model.js';

/** The internal API's view of a public incident (http/routes/public-incidents.ts). */
export interface PublicIncidentView {
  readonly id: string;
  readonly page: string;
  /** The internal incident, `INC-n`; null for an automatic notice. */
  readonly incident: string | null;
  readonly title: string;
  readonly status: string;
  readonly url: string | null;
  readonly updates: readonly { readonly status: string; readonly body: string; readonly at: string }[];
}

export interface PageChoice { readonly id: string; readonly title: string }

/** How many `public` entries an incident's timeline has (undefined without a timeline). */
export function publicNotes(i: IncidentView): number | undefined {
  return i.timeline?.filter((e) => e.kind === 'public').length;
}

/** Public updates known for an incident: what its `public` notes are compared with. */
export function knownUpdates(list: readonly PublicIncidentView[] | undefined): number {
  return (list ?? []).reduce((n, x) => n + x.updates.length, 0);
}

/** Public incidents by internal incident id, and the audience pages. */
export class ToldCache {
  private readonly byIncident = new Map<string, readonly PublicIncidentView[]>();
  private readonly loading = new Set<string>();
  pages: readonly PageChoice[] = [];

  /** Everything recent at once (the page's first load); the pages too when the viewer may publish. */
  async loadAll(canWrite: boolean): Promise<void> {
    const [all, pages] = await Promise.all([
      getJson<{ public_incidents: PublicIncidentView[] }>('api/v1/public-incidents'),
      canWrite ? getJson<{ pages: PageChoice[] }>('api/v1/pages') : Promise.resolve({ pages: [] }),
    ]);
    this.byIncident.clear();
    for (const x of all.public_incidents) {
      if (x.incident !== null) this.byIncident.set(x.incident, [...(this.byIncident.get(x.incident) ?? []), x]);
    }
    this.pages = pages.pages;
  }

  /** The list to show; loads the incident's again (then `onLoaded`) when its timeline says there is more. */
  get(i: IncidentView, onLoaded: () => void): readonly PublicIncidentView[] | undefined {
    const have = this.byIncident.get(i.id);
    if ((publicNotes(i) ?? 0) > knownUpdates(have) && !this.loading.has(i.id)) {
      this.loading.add(i.id);
      getJson<{ public_incidents: PublicIncidentView[] }>(`api/v1/incidents/${encodeURIComponent(i.id)}/public`)
        .then((r) => { this.byIncident.set(i.id, r.public_incidents); onLoaded(); }, () => undefined)
        .finally(() => this.loading.delete(i.id));
    }
    return have;
  }
}

const option = (value: string, text = value) => h('option', { value }, text);
// Field names start with `public-`: the incident's own update form beside them has `text` and `status`.

/** Posts, shows the error beside the button; the incident's SSE event brings the result. */
function sendForm(form: HTMLFormElement, path: string, body: () => Record<string, unknown>): void {
  const msg = h('span', { class: 'msg', role: 'status' });
  form.append(msg);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    msg.textContent = '';
    postJson(path, body()).then(() => form.reset(), (err: Error) => { msg.textContent = err.message; });
  });
}

/** "Tell customers": publish the incident to a page it is not on yet. */
function publishForm(i: IncidentView, pages: readonly PageChoice[]): HTMLElement | null {
  if (!pages.length) return null;
  const page = h('select', { name: 'public-page', 'aria-label': 'Page' }, ...pages.map((p) => option(p.id, p.title)));
  const title = h('input', { name: 'public-title', required: true, maxlength: 200, placeholder: 'Public title', 'aria-label': 'Public title' });
  const body = h('textarea', { name: 'public-body', required: true, maxlength: 4000, rows: 2, placeholder: 'What customers are told', 'aria-label': 'What customers are told' });
  const status = h('select', { name: 'public-status', 'aria-label': 'Public status' }, ...['investigating', 'identified', 'monitoring'].map((s) => option(s)));
  const form = h('form', { class: 'publish' }, page, title, body, status, h('button', { type: 'submit' }, 'Publish'));
  sendForm(form, `api/v1/incidents/${encodeURIComponent(i.id)}/publish`, () => ({ page: page.value, title: title.value, body: body.value, status: status.value }));
  return h('details', {}, h('summary', {}, 'Tell customers'), form);
}

/** A public update (or the resolution) to one public incident. */
function updateForm(x: PublicIncidentView): HTMLElement {
  const body = h('input', { name: 'public-body', required: true, maxlength: 4000, placeholder: 'Public update', 'aria-label': 'Public update' });
  const status = h('select', { name: 'public-status', 'aria-label': 'Public status' },
    ...['investigating', 'identified', 'monitoring', 'resolved'].map((s) => h('option', { value: s, selected: s === x.status }, s)));
  const form = h('form', { class: 'public-update' }, body, status, h('button', { type: 'submit' }, 'Post publicly'));
  sendForm(form, `api/v1/public-incidents/${encodeURIComponent(x.id)}/updates`, () => ({ body: body.value, status: status.value }));
  return form;
}

/** The block under an incident; null when there is nothing to show or offer. */
export function toldEl(i: IncidentView, list: readonly PublicIncidentView[] | undefined, writable: readonly PageChoice[] | null): HTMLElement | null {
  const told = list ?? [];
  const offer = writable ? publishForm(i, writable.filter((p) => !told.some((x) => x.page === p.id))) : null;
  if (!told.length && !offer) return null;
  return h('section', { class: 'told', 'aria-label': 'What customers were told' },
    ...told.map((x) => h('div', { class: 'told-one', 'data-public-id': x.id },
      h('p', { class: 'meta' }, 'Customers told on ', h('strong', {}, x.page), ' (', x.status, '): ',
        x.url ? h('a', { href: x.url, target: '_blank', rel: 'noopener' }, `“${x.title}”`) : `“${x.title}”`),
      // Newest first, like the internal timeline.
      h('ol', { class: 'timeline', reversed: true }, ...[...x.updates].reverse().map((u) =>
        h('li', {}, h('time', { datetime: u.at }, new Date(u.at).toLocaleString()), ` [${u.status}] `, h('span', {}, u.body)))),
      writable && x.status !== 'resolved' ? updateForm(x) : null)),
    offer);
}
