import { afterEach, describe, expect, it } from 'vitest';
import type { PageConfig } from '../../src/config/types.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import type { IncidentStore } from '../../src/incidents/store.js';
import { autoPublish } from '../../src/pages/auto.js';
import type { PublicStatus } from '../../src/pages/derive.js';
import type { TrackedComponent } from '../../src/pages/tracker.js';
import { tempDir } from '../incidents/support.js';

// Automatic notices (issue 20, "Public incidents"): off unless the page enables them; a notice in
// plain words for public components newly in outage, resolved once they are all back.

const stores: { store: IncidentStore; remove(): void }[] = [];
afterEach(() => { for (const s of stores.splice(0)) { s.store.close(); s.remove(); } });

function store(): IncidentStore {
  const dir = tempDir('sg-auto-publish-');
  const s = openIncidentStore({ dataDir: dir.path, sinks: [] });
  stores.push({ store: s, remove: dir.remove });
  return s;
}

const page = (autoPublish: boolean): PageConfig => ({
  id: 'public', title: 'Shop', path: '/', thirdPartyNote: false, autoPublish,
  components: [{ id: 'checkout', name: 'Checkout', internal: ['payments'], atLeast: 1 }, { id: 'search', name: 'Search', internal: ['search-1'], atLeast: 1 }, { id: 'mail', name: 'Email', internal: ['mailer'], atLeast: 1 }],
});
const states = (s: Record<string, PublicStatus>): TrackedComponent[] =>
  page(true).components.map((c) => ({ id: c.id, name: c.name, status: s[c.id] ?? 'operational', thirdParty: false, since: 0 }));

describe('automatic public notices', async () => {
  it('publishes nothing when the page does not enable them (the default)', async () => {
    const s = store();
    await autoPublish(page(false), states({ checkout: 'major_outage' }), s, 1000);
    expect(await s.listPublic()).toEqual([]);
  });

  it('opens one plain-words notice for components newly in outage, adds none for them again, and resolves it once all are back', async () => {
    const s = store();
    await autoPublish(page(true), states({ checkout: 'major_outage', search: 'partial_outage', mail: 'degraded_performance' }), s, 1000);
    const [notice] = await s.listPublic();
    expect(notice).toMatchObject({ incidentId: null, title: 'Outage: Checkout and Search', impact: 'critical', status: 'investigating', components: ['checkout', 'search'] });
    expect(notice!.updates.map((u) => u.body)).toEqual(['We are investigating an outage affecting Checkout and Search.']);
    // Still down: nothing new. One of them back: still open.
    await autoPublish(page(true), states({ checkout: 'major_outage', search: 'partial_outage' }), s, 2000);
    await autoPublish(page(true), states({ checkout: 'major_outage' }), s, 3000);
    expect((await s.listPublic()).map((x) => [x.id, x.status])).toEqual([[notice!.id, 'investigating']]);
    await autoPublish(page(true), states({}), s, 4000);
    const done = (await s.getPublic(notice!.id))!;
    expect([done.status, done.resolvedAt, done.updates.at(-1)!.body]).toEqual(['resolved', 4000, 'Checkout and Search are working normally again.']);
    // A later outage is a new notice.
    await autoPublish(page(true), states({ mail: 'partial_outage' }), s, 5000);
    expect((await s.listPublic({ state: 'open' })).map((x) => [x.title, x.impact])).toEqual([['Partial outage: Email', 'major']]);
  });
});
