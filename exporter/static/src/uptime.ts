/**
 * The 90-day uptime bars, one row per shown component, virtualised like the grid. A day opens by
 * a click, or by the keyboard (focus a bar, arrow keys choose the day, Enter opens it) below its
 * row; the opened day is an item of the list whose height is measured once drawn.
 */
import { getJson } from './api.js';
import { dayPanel, type DayView } from './day.js';
import { h, s } from './dom.js';
import { STATE_LABELS, availabilityOf, budgetLeft, daySlots, formatDuration, formatPercent, type ComponentView, type DayRow, type DaySlot } from './model.js';
import { createVirtualList, type ListItem } from './vlist.js';

export const UPTIME_DAYS = 90;
/** Row heights of the two layouts in app.css (name and bars side by side from 700 px, stacked below). */
const rowHeight = (width: number) => (width >= 700 ? 30 : 52);

export interface UptimeDeps {
  /** The component's day rows, when loaded. */
  days(name: string): readonly DayRow[] | undefined;
}

type Item = ListItem & ({ readonly kind: 'row'; readonly c: ComponentView } | { readonly kind: 'day'; readonly c: ComponentView });

export interface UptimeView {
  show(list: readonly ComponentView[]): void;
  visibleNames(): string[];
}

export function createUptime(container: HTMLElement, deps: UptimeDeps): UptimeView {
  let list: readonly ComponentView[] = [];
  /** The uptime day opened below its bar, and what the API said about it. */
  let openDay: { component: string; day: string; view?: DayView; error?: string } | undefined;
  /** Per component, the day the keyboard is on in its bar (index into the 90 slots). */
  const dayFocus = new Map<string, number>();

  const openDayOf = (component: string, day: string) => {
    if (openDay?.component === component && openDay.day === day) {
      openDay = undefined;
      build();
      return;
    }
    const want = { component, day };
    openDay = want;
    build();
    getJson<DayView>(`api/v1/components/${encodeURIComponent(component)}/days/${day}`).then(
      (view) => { if (openDay === want) { openDay = { ...want, view }; build(); } },
      (err: Error) => { if (openDay === want) { openDay = { ...want, error: err.message }; build(); } });
  };

  const budgetNote = (c: ComponentView, days: readonly DayRow[]): Node[] => {
    if (!c.slo) return [];
    const left = budgetLeft(days, c.slo.objective, c.slo.windowDays, Date.now());
    const title = `Error budget of ${c.slo.objective} % over ${c.slo.windowDays} days left, from the uptime bars`;
    return [h('span', { class: `upbudget${left !== null && left < 0 ? ' over' : ''}`, title }, left === null ? ' · budget: no data' : ` · budget ${formatPercent(left)} left`)];
  };

  const bars = (name: string, slots: readonly DaySlot[]): SVGElement => {
    const w = 3;
    const gap = 1;
    const focus = dayFocus.get(name) ?? slots.length - 1;
    const svg = s('svg', {
      class: 'bars', viewBox: `0 0 ${UPTIME_DAYS * (w + gap)} 20`, preserveAspectRatio: 'none', role: 'group', tabindex: 0, 'data-fk': `bars:${name}`,
      'aria-label': `${name} daily uptime; arrow keys choose a day (${slots[focus]?.day ?? ''}), Enter opens it`,
    }, ...slots.map((d, i) => s('rect', {
      x: i * (w + gap), y: 0, width: w, height: 20, 'data-day': d.day,
      class: `${d.worst ? `s-${d.worst}` : 'nodata'}${d.planned > 0 ? ' planned' : ''}${i === focus && dayFocus.has(name) ? ' sel' : ''}`,
    }, s('title', {}, `${d.day}: ${d.worst ? `${formatPercent(d.availability)} available, worst ${STATE_LABELS[d.worst]}${d.planned > 0 ? `, ${formatDuration(d.planned)} planned maintenance (not counted)` : ''}` : 'no data'}`))));
    svg.addEventListener('click', (e) => {
      const day = (e.target as Element).getAttribute('data-day');
      if (day) openDayOf(name, day);
    });
    svg.addEventListener('keydown', (e) => {
      const k = (e as KeyboardEvent).key;
      if (k === 'ArrowLeft' || k === 'ArrowRight') {
        dayFocus.set(name, Math.max(0, Math.min(slots.length - 1, focus + (k === 'ArrowLeft' ? -1 : 1))));
        e.preventDefault();
        // The row is redrawn with the new day marked; the list gives focus back to its bars.
        build();
      } else if (k === 'Enter' || k === ' ') {
        e.preventDefault();
        openDayOf(name, slots[focus]!.day);
      }
    });
    return svg;
  };

  const row = (c: ComponentView): HTMLElement => {
    const loaded = deps.days(c.name);
    const days = loaded ?? [];
    // Until its days arrive (one request for the rows in view), a row's bar is one placeholder,
    // not 90 empty days of 2 elements each, drawn again moments later.
    return h('div', { class: 'uprow', 'data-component': c.name },
      h('span', { class: 'upname', title: c.name }, c.name, ...budgetNote(c, days)),
      loaded ? bars(c.name, daySlots(days, Date.now(), UPTIME_DAYS)) : h('span', { class: 'bars-pending', title: 'Loading…' }),
      h('span', { class: 'uppct' }, formatPercent(availabilityOf(days))));
  };

  const panel = (c: ComponentView): HTMLElement => {
    const close = () => { openDay = undefined; build(); };
    const o = openDay!;
    return o.view ? dayPanel(o.view, close)
      : h('section', { class: 'daypanel card', 'data-component': c.name, 'data-day': o.day }, o.error ? h('p', { class: 'error' }, o.error) : h('p', { class: 'muted' }, `Loading ${o.day}…`));
  };

  const vl = createVirtualList<Item>(container, {
    className: 'uptime-box',
    label: 'Daily uptime',
    render: (it) => (it.kind === 'row' ? row(it.c) : h('div', { class: 'dayitem' }, panel(it.c))),
  });

  const build = () => {
    const height = rowHeight(vl.box.clientWidth || window.innerWidth);
    const today = new Date().toISOString().slice(0, 10);
    const items: Item[] = [];
    for (const c of list) {
      // Redrawn when its data, its keyboard day, its objective or the date changes.
      const sig = () => {
        const days = deps.days(c.name);
        return `${today}|${days?.length ?? -1}|${days?.[days.length - 1]?.join(',') ?? ''}|${dayFocus.get(c.name) ?? ''}|${c.slo?.objective ?? ''}`;
      };
      items.push({ kind: 'row', c, key: `r:${c.name}`, height, sig });
      if (openDay?.component === c.name) {
        const o = openDay;
        items.push({ kind: 'day', c, key: `d:${c.name}:${o.day}`, sig: () => (o.view ? 'v' : o.error ? 'e' : 'l') });
      }
    }
    vl.set(items);
  };
  new ResizeObserver(() => build()).observe(vl.box);

  return {
    show(next) {
      list = next;
      build();
    },
    visibleNames: () => [...vl.box.querySelectorAll<HTMLElement>('.uprow[data-component]')].map((e) => e.dataset.component!),
  };
}
