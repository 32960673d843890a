/*
 * Automatic publishing (per page, `auto_publish: true`; off by default): a plain-words notice when
 * public components go into outage, resolved when they are all back. Only public names are used.
 */
import type { PageConfig } from '../config/types.js';
import type { PublicIncidentStore } from '../incidents/public.js';
import type { PublicStatus } from './derive.js';
import { publicId } from './publish.js';
import type { TrackedComponent } from './tracker.js';

const OUTAGE: ReadonlySet<PublicStatus> = new Set(['partial_outage', 'major_outage']);

const list = (names: readonly string[]) => (names.length < 3 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** Opens a notice for components newly in outage and resolves notices whose components all recovered. */
export async function autoPublish(page: PageConfig, components: readonly TrackedComponent[], store: PublicIncidentStore, at: number): Promise<void> {
  if (!page.autoPublish) return;
  const open = (await store.listPublic({ page: page.id, state: 'open' })).filter((x) => x.incidentId === null);
  const covered = new Set(open.flatMap((x) => x.components));
  const failing = components.filter((c) => OUTAGE.has(c.status));
  const fresh = failing.filter((c) => !covered.has(c.id));
  if (fresh.length > 0) {
    const major = fresh.some((c) => c.status === 'major_outage');
    const names = fresh.map((c) => c.name);
    await store.publish({
      id: publicId(), page: page.id, incidentId: null, title: `${major ? 'Outage' : 'Partial outage'}: ${list(names)}`,
      impact: major ? 'critical' : 'major', components: fresh.map((c) => c.id),
      update: { id: publicId(), status: 'investigating', body: `We are investigating ${major ? 'an outage' : 'a partial outage'} affecting ${list(names)}.`, at },
    });
  }
  const stillFailing = new Set(failing.map((c) => c.id));
  for (const x of open) {
    if (x.components.some((id) => stillFailing.has(id))) continue;
    const names = components.filter((c) => x.components.includes(c.id)).map((c) => c.name);
    await store.addPublicUpdate(x.id, { id: publicId(), status: 'resolved', body: `${list(names)} ${names.length > 1 ? 'are' : 'is'} working normally again.`, at });
  }
}
