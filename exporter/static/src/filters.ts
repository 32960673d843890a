/**
 * The filter bar above the grid and the uptime bars: search by name, state chips with their
 * counts, tier, environment and "only problems". Its state is kept in the URL's hash.
 */
import { STATES, TIER_LABELS, type State, type Tier } from '@statusgraph/core';
import { h, replace } from './dom.js';
import { filterFromHash, filterToHash, type Filter } from './filter.js';
import { STATE_LABELS } from './model.js';

export interface FilterBar {
  filter(): Filter;
  /** Counts per state, tiers and environments present, and how many are shown. */
  update(counts: Record<State, number>, tiers: readonly Tier[], environments: readonly string[], shown: number, total: number): void;
}

export function createFilterBar(container: HTMLElement, onChange: (f: Filter) => void): FilterBar {
  let f: Filter = filterFromHash(location.hash);
  const emit = (next: Filter) => {
    f = next;
    const hash = filterToHash(f);
    history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
    onChange(f);
  };
  const search = h('input', { id: 'search', type: 'search', placeholder: 'Search components', 'aria-label': 'Search components by name', autocomplete: 'off', value: f.text });
  let typing: ReturnType<typeof setTimeout> | undefined;
  // One filter pass per pause in typing, not per key (10,000 components: a pass is a few ms).
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => emit({ ...f, text: search.value }), 60); });
  // Built once and updated in place, so a chip pressed from the keyboard keeps the focus.
  const chipEls = STATES.map((st) => h('button', {
    type: 'button', class: `chip s-${st}`, 'data-state': st,
    onclick: () => {
      const next = new Set(f.states);
      if (next.has(st)) next.delete(st); else next.add(st);
      emit({ ...f, states: next });
    },
  }));
  const chips = h('span', { class: 'chips', role: 'group', 'aria-label': 'States' }, ...chipEls);
  const tier = h('select', { id: 'tier-filter', 'aria-label': 'Tier' });
  tier.addEventListener('change', () => emit({ ...f, tiers: new Set(tier.value ? [tier.value as Tier] : []) }));
  const env = h('select', { id: 'env-filter', 'aria-label': 'Environment' });
  env.addEventListener('change', () => emit({ ...f, environment: env.value }));
  const problems = h('input', { id: 'problems', type: 'checkbox', checked: f.problems });
  problems.addEventListener('change', () => emit({ ...f, problems: problems.checked }));
  const count = h('span', { id: 'shown', class: 'muted', role: 'status', 'aria-live': 'polite' });
  replace(container, search, chips, tier, env, h('label', { class: 'check' }, problems, 'Only problems'), count);

  const options = (sel: HTMLSelectElement, all: string, values: readonly string[], label: (v: string) => string, chosen: string) => {
    const key = values.join(',');
    if (sel.dataset.key !== key) {
      sel.dataset.key = key;
      replace(sel, h('option', { value: '' }, all), ...values.map((v) => h('option', { value: v }, label(v))));
    }
    sel.value = chosen;
  };

  return {
    filter: () => f,
    update(counts, tiers, environments, shown, total) {
      STATES.forEach((st, i) => {
        const el = chipEls[i]!;
        const on = f.states.has(st);
        el.classList.toggle('on', on);
        el.setAttribute('aria-pressed', String(on));
        replace(el, h('span', { class: 'dot', 'aria-hidden': 'true' }), `${STATE_LABELS[st]} ${counts[st].toLocaleString('en-US')}`);
      });
      options(tier, 'All tiers', tiers, (t) => TIER_LABELS[t as Tier] ?? t, [...f.tiers][0] ?? '');
      options(env, 'All environments', environments, (e) => e, f.environment);
      env.hidden = environments.length < 2 && !f.environment;
      count.textContent = shown === total ? `${total.toLocaleString('en-US')} components` : `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} shown`;
    },
  };
}
