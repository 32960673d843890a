/**
 * A day of a component's uptime bar, opened: its outages and degradations with times, durations,
 * reasons and root causes, the time the exporter was not running, each probe's failures, and the
 * incidents that touched the component, each linking to its timeline on the page.
 */
import { h } from './dom.js';
import { STATE_LABELS, formatDuration, type State } from './model.js';

export interface DayView {
  readonly component: string;
  readonly day: string;
  readonly periods: readonly { state: State; from: string; to: string; durationSeconds: number; ongoing: boolean; reason: string | null; rootCauses: readonly string[]; planned?: boolean }[];
  readonly gaps: readonly { from: string; to: string; durationSeconds: number }[];
  readonly probes: readonly { probe: string; count: number; failures: number; avg: number | null; max: number | null; firstReason: string | null; lastReason: string | null }[];
  readonly incidents: readonly { id: string; title: string; severity: string; status: string; rootCause: string | null; startedAt: string; resolvedAt: string | null }[];
}

const time = (iso: string) => h('time', { datetime: iso }, new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }));

export function dayPanel(v: DayView, onClose: () => void): HTMLElement {
  const periods = v.periods.length
    ? h('ul', { class: 'periods' }, ...v.periods.map((p) => h('li', { class: `s-${p.state}${p.planned ? ' planned' : ''}`, 'data-state': p.state },
      h('span', { class: 'dot', 'aria-hidden': 'true' }), h('strong', {}, STATE_LABELS[p.state]), p.planned ? h('span', { class: 'plan' }, ' (planned maintenance, not counted)') : null,
      ' ', time(p.from), '–', p.ongoing ? 'now' : time(p.to),
      ` (${formatDuration(p.durationSeconds)})`,
      p.reason ? h('span', { class: 'why' }, ` · ${p.reason}`) : null,
      p.rootCauses.length ? h('span', { class: 'root' }, ` · root cause ${p.rootCauses.join(', ')}`) : null)))
    : h('p', { class: 'muted' }, 'No outage or degradation observed.');
  const gaps = v.gaps.map((g) => h('li', { class: 'gap' }, 'Exporter not running ', time(g.from), '–', time(g.to), ` (${formatDuration(g.durationSeconds)}): no data`));
  const probes = v.probes.filter((p) => p.failures > 0).map((p) => h('li', {},
    h('strong', {}, p.probe), ` failed ${p.failures} of ${p.count}`, p.firstReason ? ` · first: ${p.firstReason}` : '', p.lastReason && p.lastReason !== p.firstReason ? ` · last: ${p.lastReason}` : ''));
  const incidents = v.incidents.map((i) => h('li', { 'data-id': i.id },
    h('a', { href: `#incident-${i.id}` }, `${i.id} · ${i.title}`),
    ` · ${i.severity} · ${i.resolvedAt ? 'resolved' : i.status}`, i.rootCause ? h('span', { class: 'root' }, ` · root cause ${i.rootCause}`) : null));
  return h('section', { class: 'daypanel card', 'data-component': v.component, 'data-day': v.day, 'aria-label': `${v.component} on ${v.day}` },
    h('header', {}, h('h4', {}, `${v.component} · ${v.day} (UTC)`), h('button', { type: 'button', class: 'close', onclick: onClose, 'aria-label': 'Close the day' }, 'Close')),
    periods,
    gaps.length ? h('ul', { class: 'gaps' }, ...gaps) : null,
    probes.length ? h('div', {}, h('h5', {}, 'Probe failures'), h('ul', { class: 'probefails' }, ...probes)) : null,
    h('div', { class: 'dayincidents' }, h('h5', {}, 'Incidents'), incidents.length ? h('ul', {}, ...incidents) : h('p', { class: 'muted' }, 'None touched this component that day.')));
}
