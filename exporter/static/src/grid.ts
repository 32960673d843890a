/**
 * The component grid: cards in rows of 1 to 4 by width, grouped by tier, virtualised (only the
 * rows in view are in the DOM). Cards have a fixed height so a row's place is known without
 * drawing it: the reason is one line, at most two probes are listed and the rest counted.
 */
import type { Tier } from '@statusgraph/core';
import { h, s } from './dom.js';
import { maintenanceClasses, maintenanceLine } from './maintenance.js';
import { STATE_LABELS, TIER_LABELS, affectedLine, sparkline, type Bucket, type ComponentView } from './model.js';
import { columnsFor, gridItems, groupByTier, type GridItem } from './virtual.js';
import { createVirtualList, type ListItem } from './vlist.js';

export const CARD_ROW_PX = 150;
export const TIER_ROW_PX = 34;
const PROBES_SHOWN = 2;

export interface GridDeps {
  /** The sparkline of a probe, when loaded. */
  series(component: string, probe: string): readonly Bucket[] | undefined;
  /** [start, end] ms of exporter downtime in the sparklines' day. */
  downtime(): readonly [number, number][];
  /** The card's "Graph" button: focus the dependency graph on this component. */
  onFocus(name: string): void;
}

type Item = ListItem & { readonly grid: GridItem<ComponentView> };

function sparkSvg(buckets: readonly Bucket[], downtime: readonly [number, number][]): SVGElement {
  const w = 120;
  const ht = 24;
  const sp = sparkline(buckets, w, ht, downtime);
  return s('svg', { class: 'spark', viewBox: `0 0 ${w} ${ht}`, width: w, height: ht, 'aria-hidden': 'true' },
    ...sp.gaps.map(([x, gw]) => s('rect', { x, y: 0, width: gw, height: ht, class: 'gap' }, s('title', {}, 'exporter not running'))),
    ...sp.failures.map((x) => s('line', { x1: x, x2: x, y1: 0, y2: ht, class: 'fail' })),
    sp.path ? s('path', { d: sp.path }) : null);
}

/** One line saying why: maintenance (issue 19) first, then impact, an affect, the component's own reason. */
function whyLine(c: ComponentView): string | null {
  const m = maintenanceLine(c);
  if (m) return m;
  if (c.impacted) return `Impacted by ${c.rootCauses.join(', ')}`;
  const a = affectedLine(c);
  if (a) return a;
  return c.reason && c.state !== 'operational' ? c.reason : null;
}

export function card(c: ComponentView, deps: GridDeps): HTMLElement {
  const probes = c.probes ?? [];
  const why = whyLine(c);
  return h('article', { class: `comp s-${c.state}${c.impacted ? ' impacted' : ''}${maintenanceClasses(c)}`, 'data-component': c.name, 'data-state': c.state, 'data-impacted': String(c.impacted) },
    h('header', {},
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('h4', { title: c.displayName }, c.displayName),
      h('span', { class: 'state' }, STATE_LABELS[c.state])),
    h('p', { class: `why${maintenanceLine(c) ? ' maint' : c.impacted ? ' impact' : c.affected ? ' affect' : ' reason'}`, title: why ?? '' }, why ?? '\u00a0'),
    h('ul', { class: 'probes' }, ...probes.slice(0, PROBES_SHOWN).map((p) => h('li', {},
      h('span', { class: `pname${p.success ? '' : ' bad'}` }, p.name),
      sparkSvg(deps.series(c.name, p.name) ?? [], deps.downtime()),
      h('span', { class: 'lat', title: p.success ? '' : (p.error ?? 'failed') }, p.success ? `${Math.round(p.durationSeconds * 1000)} ms` : (p.error ?? 'failed'))))),
    h('footer', {}, `since ${new Date(c.since).toLocaleTimeString()}`,
      probes.length > PROBES_SHOWN ? h('span', {}, `+${probes.length - PROBES_SHOWN} probes`) : null,
      h('span', { class: 'spacer' }),
      // Only web links: a javascript: URL in a config must not become a clickable script.
      c.runbook && /^https?:\/\//i.test(c.runbook) ? h('a', { href: c.runbook, rel: 'noopener noreferrer', target: '_blank', 'data-fk': `runbook:${c.name}` }, 'runbook') : null,
      h('button', { type: 'button', class: 'link', 'data-fk': `focus:${c.name}`, 'aria-label': `Show ${c.name} in the dependency graph`, onclick: () => deps.onFocus(c.name) }, 'graph')));
}

/** What a card shows, as a string: a row is redrawn only when one of its cards would look different. */
function cardSig(c: ComponentView, deps: GridDeps): string {
  let sig = `${c.name}|${c.state}|${c.impacted}|${c.affected}|${c.maintenance}|${c.underMaintenance}|${c.planned}|${maintenanceLine(c)}|${c.reason}|${c.since}|${c.displayName}`;
  for (const p of (c.probes ?? []).slice(0, PROBES_SHOWN)) sig += `|${p.name}:${p.success}:${p.durationSeconds}:${deps.series(c.name, p.name)?.length ?? -1}`;
  return sig;
}

export interface GridView {
  /** A new list, or the same with fresh latencies: rows in view are redrawn when one of their cards would look different. */
  show(list: readonly ComponentView[]): void;
  reveal(name: string): void;
  /** Names of the components in the rows in view (the ones whose sparklines are worth loading). */
  visibleNames(): string[];
}

export function createGrid(container: HTMLElement, deps: GridDeps): GridView {
  let list: readonly ComponentView[] = [];
  let columns = 0;
  let items: Item[] = [];
  const vl = createVirtualList<Item>(container, {
    className: 'cards-box',
    label: 'Components',
    render: (it) => (it.grid.kind === 'tier'
      ? h('h3', { class: 'tierhead' }, `${TIER_LABELS[it.grid.tier as Tier] ?? it.grid.tier} · ${it.grid.count.toLocaleString('en-US')}`)
      : h('div', { class: `cards cols-${columns}` }, ...it.grid.cells.map((c) => card(c, deps)))),
  });
  const build = () => {
    columns = columnsFor(vl.box.clientWidth || container.clientWidth || window.innerWidth);
    items = gridItems(groupByTier(list), columns, (c) => c.name).map((g) => ({
      key: g.key,
      sig: g.kind === 'tier' ? () => `${g.count}` : () => `${columns}|${g.cells.map((c) => cardSig(c, deps)).join('\u0001')}`,
      height: g.kind === 'tier' ? TIER_ROW_PX : CARD_ROW_PX,
      grid: g,
    }));
    vl.set(items);
    container.dataset.total = String(list.length);
  };
  new ResizeObserver(() => { if (columnsFor(vl.box.clientWidth) !== columns) build(); }).observe(vl.box);
  return {
    show(next) {
      list = next;
      build();
    },
    reveal(name) {
      const it = items.find((i) => i.grid.kind === 'row' && i.grid.cells.some((c) => c.name === name));
      if (it) vl.reveal(it.key);
    },
    visibleNames() {
      return [...vl.box.querySelectorAll<HTMLElement>('article[data-component]')].map((e) => e.dataset.component!);
    },
  };
}
