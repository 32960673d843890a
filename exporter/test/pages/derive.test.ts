/* The public state of a public component, derived from the internal snapshot, impact included. */
import { describe, expect, it } from 'vitest';
import type { PageConfig, PublicComponentConfig } from '../../src/config/types.js';
import type { Snapshot } from '../../src/engine/snapshot.js';
import { derivePage, derivePublic, pageIndicator } from '../../src/pages/derive.js';
import { snapshot } from '../incidents/fixtures.js';

const T = Date.UTC(2026, 10, 20, 14, 0);
/** db <- payments <- gateway; stripe <- payments; search-1, search-2 independent. */
const TOPO = { db: [], stripe: [], payments: ['db', 'stripe'], gateway: ['payments'], 'search-1': [], 'search-2': [] };
const pc = (internal: string[], atLeast = 1): PublicComponentConfig => ({ id: 'x', name: 'X', internal, atLeast });
const snap = (states: Parameters<typeof snapshot>[1], tweak?: (s: Snapshot) => void) => {
  const s = snapshot(TOPO, states, { at: T });
  tweak?.(s);
  return s;
};
const withTier = (s: Snapshot, name: string, tier: 'third-party') => {
  const c = s.byName.get(name)! as { tier: string };
  c.tier = tier;
};

describe('derivePublic', () => {
  it('is operational when every internal component is', () => {
    expect(derivePublic(pc(['gateway']), snap({}))).toEqual({ id: 'x', name: 'X', status: 'operational', thirdParty: false });
  });

  it('counts an impacted component as the outage of its root cause, whatever its own state', () => {
    // gateway's own probes still pass: the database outage reaches it through payments.
    const s = snap({ db: 'major_outage', payments: 'degraded' });
    expect(derivePublic(pc(['gateway']), s).status).toBe('major_outage');
    expect(derivePublic(pc(['payments']), s).status).toBe('major_outage');
  });

  it('maps the own states to the public format', () => {
    expect(derivePublic(pc(['search-1']), snap({ 'search-1': 'degraded' })).status).toBe('degraded_performance');
    expect(derivePublic(pc(['search-1']), snap({ 'search-1': 'partial_outage' })).status).toBe('partial_outage');
  });

  it('rolls up with the worst of, or with at least N of M', () => {
    const one = snap({ 'search-1': 'major_outage', 'search-2': 'degraded' });
    expect(derivePublic(pc(['search-1', 'search-2']), one).status).toBe('major_outage');
    // Two replicas: one out is not a public outage; the second-worst state shows.
    expect(derivePublic(pc(['search-1', 'search-2'], 2), one).status).toBe('degraded_performance');
    const both = snap({ 'search-1': 'major_outage', 'search-2': 'partial_outage' });
    expect(derivePublic(pc(['search-1', 'search-2'], 2), both).status).toBe('partial_outage');
  });

  it('shows maintenance when the rollup is operational, and an outage above it', () => {
    const m = snap({}, (s) => { (s.byName.get('search-1') as { maintenance: boolean }).maintenance = true; });
    expect(derivePublic(pc(['search-1', 'search-2']), m).status).toBe('under_maintenance');
    expect(derivePublic(pc(['search-1', 'search-2'], 2), m).status).toBe('operational');
    const mo = snap({ 'search-2': 'major_outage' }, (s) => { (s.byName.get('search-1') as { maintenance: boolean }).maintenance = true; });
    expect(derivePublic(pc(['search-1', 'search-2']), mo).status).toBe('major_outage');
  });

  it('marks an outage whose every cause is a vendor as third-party', () => {
    const vendor = snap({ stripe: 'major_outage' }, (s) => withTier(s, 'stripe', 'third-party'));
    expect(derivePublic(pc(['gateway']), vendor)).toMatchObject({ status: 'major_outage', thirdParty: true });
    const both = snap({ stripe: 'major_outage', db: 'major_outage' }, (s) => withTier(s, 'stripe', 'third-party'));
    expect(derivePublic(pc(['gateway']), both).thirdParty).toBe(false);
  });

  it('treats a component the snapshot no longer has as operational', () => {
    expect(derivePublic(pc(['gone']), snap({})).status).toBe('operational');
  });
});

describe('derivePage and pageIndicator', () => {
  it('derives every component of a page, keeping only public ids and names', () => {
    const page: PageConfig = {
      id: 'public', title: 'T', path: '/', thirdPartyNote: false, autoPublish: false,
      components: [{ id: 'checkout', name: 'Checkout', internal: ['gateway'], atLeast: 1 }, { id: 'find', name: 'Search', internal: ['search-1'], atLeast: 1 }],
    };
    const out = derivePage(page, snap({ db: 'partial_outage' }));
    expect(out).toEqual([
      { id: 'checkout', name: 'Checkout', status: 'partial_outage', thirdParty: false },
      { id: 'find', name: 'Search', status: 'operational', thirdParty: false },
    ]);
  });

  it('computes the Statuspage indicator from statuses and open incident impacts', () => {
    expect(pageIndicator(['operational'])).toBe('none');
    expect(pageIndicator(['operational', 'under_maintenance'])).toBe('maintenance');
    expect(pageIndicator(['degraded_performance', 'under_maintenance'])).toBe('minor');
    expect(pageIndicator(['partial_outage'])).toBe('major');
    expect(pageIndicator(['major_outage', 'partial_outage'])).toBe('critical');
    expect(pageIndicator(['operational'], ['major'])).toBe('major');
    expect(pageIndicator(['major_outage'], ['minor'])).toBe('critical');
  });
});
