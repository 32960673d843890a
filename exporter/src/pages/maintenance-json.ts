/*
 * Maintenance windows on an audience page (issue 19): the Statuspage v2 `scheduled_maintenances`
 * shape (shared/fixtures/statuspage/maintenance.json). Pure. A window is shown on a page when it
 * covers an internal component of one of the page's public components, under its title, with the
 * public components it touches; its public id is derived, so it names nothing internal.
 */
import { createHash } from 'node:crypto';
import type { MaintenanceWindowView } from '@statusgraph/core';
import type { PageConfig } from '../config/types.js';

/** Statuspage's words for where a maintenance stands; cancelled windows are not shown. */
const STATUS = { upcoming: 'scheduled', active: 'in_progress', ended: 'completed' } as const;

/** The one update a window has: where it stands, in its description's words or the default ones. */
export interface MaintenanceUpdate {
  readonly id: string;
  readonly status: PublicMaintenance['status'];
  readonly body: string;
  readonly incident_id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly display_at: string;
  readonly affected_components: readonly { readonly code: string; readonly name: string; readonly old_status: string; readonly new_status: string }[];
  readonly deliver_notifications: boolean;
  readonly custom_tweet: null;
  readonly tweet_id: null;
}

export interface PublicMaintenance {
  readonly id: string;
  readonly name: string;
  readonly status: (typeof STATUS)[keyof typeof STATUS];
  readonly created_at: string;
  readonly updated_at: string;
  readonly monitoring_at: null;
  readonly resolved_at: string | null;
  readonly impact: 'maintenance';
  readonly shortlink: string;
  readonly started_at: string;
  readonly page_id: string;
  readonly scheduled_for: string;
  readonly scheduled_until: string;
  readonly incident_updates: readonly MaintenanceUpdate[];
  readonly components: readonly { readonly id: string; readonly name: string; readonly status: string }[];
}

/** The page's view of each window that touches it, soonest first. */
export function maintenancesJson(page: PageConfig, windows: readonly MaintenanceWindowView[], baseUrl: string): PublicMaintenance[] {
  const out: PublicMaintenance[] = [];
  for (const w of windows) {
    if (w.status === 'cancelled') continue;
    const touched = page.components.filter((pc) => pc.internal.some((n) => w.components.includes(n)));
    if (touched.length === 0) continue;
    const id = createHash('sha256').update(`${page.id}\0${w.id}\0${w.startsAt}`).digest('hex').slice(0, 12);
    const status = STATUS[w.status];
    const componentStatus = status === 'in_progress' ? 'under_maintenance' : 'operational';
    const resolvedAt = status === 'completed' ? (w.endedAt ?? w.endsAt) : null;
    const updatedAt = resolvedAt ?? (status === 'in_progress' ? w.startsAt : w.startsAt);
    const body = w.description ?? (status === 'completed' ? 'The scheduled maintenance has been completed.'
      : status === 'in_progress' ? 'Scheduled maintenance is in progress.' : 'Maintenance is scheduled.');
    out.push({
      id, name: w.title, status, created_at: w.startsAt, updated_at: updatedAt, monitoring_at: null, resolved_at: resolvedAt, impact: 'maintenance',
      shortlink: `${baseUrl}/#maintenance-${id}`, started_at: w.startsAt, page_id: page.id, scheduled_for: w.startsAt, scheduled_until: w.endsAt,
      incident_updates: [{
        id: `${id}-${status}`, status, body, incident_id: id, created_at: updatedAt, updated_at: updatedAt, display_at: updatedAt,
        affected_components: touched.map((pc) => ({ code: pc.id, name: pc.name, old_status: 'operational', new_status: componentStatus })),
        deliver_notifications: true, custom_tweet: null, tweet_id: null,
      }],
      components: touched.map((pc) => ({ id: pc.id, name: pc.name, status: componentStatus })),
    });
  }
  return out.sort((a, b) => (a.scheduled_for < b.scheduled_for ? -1 : a.scheduled_for > b.scheduled_for ? 1 : 0));
}
