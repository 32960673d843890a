/**
 * Search and filters of the component list: by text (name or display name), state, tier,
 * environment and "only problems". Pure, and linear in the components: at 10,000 a keystroke
 * costs one pass over precomputed lower-case keys, not a re-render of every card.
 */
import { STATES, compareTiers, stateValue, type State, type Tier } from '@statusgraph/core';
import type { ComponentView } from './model.js';

export interface Filter {
  readonly text: string;
  /** Empty: every state. */
  readonly states: ReadonlySet<State>;
  /** Empty: every tier. */
  readonly tiers: ReadonlySet<Tier>;
  /** '' : every environment. */
  readonly environment: string;
  /** Not operational, or impacted or affected by something upstream. */
  readonly problems: boolean;
}

export const NO_FILTER: Filter = Object.freeze({ text: '', states: new Set<State>(), tiers: new Set<Tier>(), environment: '', problems: false });

export function isFiltering(f: Filter): boolean {
  return f.text.trim() !== '' || f.states.size > 0 || f.tiers.size > 0 || f.environment !== '' || f.problems;
}

export function hasProblem(c: ComponentView): boolean {
  return c.state !== 'operational' || c.impacted || c.affected === true;
}

const searchKeys = new WeakMap<ComponentView, string>();
function searchKey(c: ComponentView): string {
  let k = searchKeys.get(c);
  if (k === undefined) searchKeys.set(c, (k = `${c.name}\u0000${c.displayName}`.toLowerCase()));
  return k;
}

export function matches(c: ComponentView & { environment?: string }, f: Filter): boolean {
  if (f.problems && !hasProblem(c)) return false;
  if (f.states.size && !f.states.has(c.state)) return false;
  if (f.tiers.size && !f.tiers.has(c.tier)) return false;
  if (f.environment && (c.environment ?? 'production') !== f.environment) return false;
  const words = f.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const key = searchKey(c);
  return words.every((w) => key.includes(w));
}

/** Worst first within a tier, impacted before not, then by name: trouble is at the top. */
export function compareComponents(a: ComponentView, b: ComponentView): number {
  return compareTiers(a.tier, b.tier) || stateValue(b.state) - stateValue(a.state) || Number(b.impacted) - Number(a.impacted)
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The shown list: matching components in tier order, worst first in each tier. */
export function applyFilter(components: Iterable<ComponentView>, f: Filter): ComponentView[] {
  const out: ComponentView[] = [];
  for (const c of components) if (matches(c, f)) out.push(c);
  return out.sort(compareComponents);
}

/** How many components are in each state (the filter's chips show them). */
export function stateCounts(components: Iterable<ComponentView>): Record<State, number> {
  const out = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<State, number>;
  for (const c of components) out[c.state] += 1;
  return out;
}

/** The filter in the URL's hash (`#q=db&state=major_outage&tier=service&env=prod&problems=1`), so a view can be shared. */
export function filterToHash(f: Filter): string {
  const p = new URLSearchParams();
  if (f.text.trim()) p.set('q', f.text.trim());
  if (f.states.size) p.set('state', [...f.states].join(','));
  if (f.tiers.size) p.set('tier', [...f.tiers].join(','));
  if (f.environment) p.set('env', f.environment);
  if (f.problems) p.set('problems', '1');
  return p.toString();
}

export function filterFromHash(hash: string): Filter {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const list = (k: string) => (p.get(k) ?? '').split(',').filter(Boolean);
  return {
    text: p.get('q') ?? '',
    states: new Set(list('state').filter((s): s is State => (STATES as readonly string[]).includes(s))),
    tiers: new Set(list('tier') as Tier[]),
    environment: p.get('env') ?? '',
    problems: p.get('problems') === '1',
  };
}
