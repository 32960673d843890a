/*
 * The Statuspage v2 public format (shared/fixtures/statuspage, Atlassian's /api/v2/*.json) of one
 * audience page. Pure: the page's state and public incidents in, JSON objects out. Every string
 * here comes from the page config or from what people wrote for customers; nothing internal.
 */
import type { PublicComponentConfig } from '../config/types.js';
import type { PublicIncident, PublicUpdate } from '../incidents/public.js';
import { groupStatus, INDICATOR_DESCRIPTIONS, pageIndicator, type PublicStatus } from './derive.js';
import type { PageState } from './tracker.js';
import type { MaintenanceWindowView } from '@statusgraph/core';
import { maintenancesJson } from './maintenance-json.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface PageJsonInput {
  readonly state: PageState;
  /** Public incidents of the page, newest first. */
  readonly incidents: readonly PublicIncident[];
  /** Where the page is served, no trailing slash: links in the JSON and the feeds. */
  readonly baseUrl: string;
  readonly now: number;
  /** Maintenance windows (issue 19): recent, active and upcoming; absent: none. */
  readonly maintenances?: readonly MaintenanceWindowView[];
}

export interface JsonComponent {
  readonly id: string; readonly name: string; readonly status: PublicStatus; readonly created_at: string; readonly updated_at: string;
  readonly position: number; readonly description: string | null; readonly showcase: boolean; readonly start_date: string | null;
  readonly group_id: string | null; readonly page_id: string; readonly group: boolean; readonly only_show_if_degraded: boolean;
  readonly components?: readonly string[];
}

function pageJson(i: PageJsonInput) {
  // The last change, not the last snapshot: a document that did not change keeps its ETag.
  const times = [i.state.startedAt, ...i.state.components.map((c) => c.since), ...i.incidents.map((x) => x.updatedAt)];
  return { id: i.state.page.id, name: i.state.page.title, url: i.baseUrl, time_zone: 'Etc/UTC', updated_at: iso(Math.max(...times)) };
}

/** Groups before their members, in config order; positions count within the top level or the group. */
export function componentsJson(i: PageJsonInput): JsonComponent[] {
  const { page, components, startedAt } = i.state;
  const byId = new Map(components.map((c) => [c.id, c]));
  const base = { created_at: iso(startedAt), page_id: page.id, only_show_if_degraded: false };
  const own = (pc: PublicComponentConfig, position: number): JsonComponent => {
    const c = byId.get(pc.id)!;
    return {
      ...base, id: pc.id, name: pc.name, status: c.status, updated_at: iso(c.since), position,
      description: pc.description ?? null, showcase: true, start_date: iso(startedAt).slice(0, 10), group_id: pc.groupId ?? null, group: false,
    };
  };
  const members = new Map<string, PublicComponentConfig[]>();
  for (const pc of page.components) {
    if (pc.groupId !== undefined) members.set(pc.groupId, [...(members.get(pc.groupId) ?? []), pc]);
  }
  const out: JsonComponent[] = [];
  const done = new Set<string>();
  let top = 0;
  for (const pc of page.components) {
    if (pc.groupId === undefined) { out.push(own(pc, ++top)); continue; }
    if (done.has(pc.groupId)) continue;
    done.add(pc.groupId);
    const list = members.get(pc.groupId)!;
    const tracked = list.map((m) => byId.get(m.id)!);
    out.push({
      ...base, id: pc.groupId, name: pc.group!, status: groupStatus(tracked.map((m) => m.status)), updated_at: iso(Math.max(...tracked.map((m) => m.since))),
      position: ++top, description: null, showcase: false, start_date: null, group_id: null, group: true, components: list.map((m) => m.id),
    });
    list.forEach((m, n) => out.push(own(m, n + 1)));
  }
  return out;
}

function updateJson(incidentId: string, u: PublicUpdate) {
  return {
    id: u.id, status: u.status, body: u.body, incident_id: incidentId, created_at: iso(u.at), updated_at: iso(u.at), display_at: iso(u.at),
    affected_components: null, deliver_notifications: true, custom_tweet: null, tweet_id: null,
  };
}

export function incidentJson(i: PageJsonInput, x: PublicIncident) {
  const names = new Map(i.state.page.components.map((c) => [c.id, c.name]));
  const statuses = new Map(i.state.components.map((c) => [c.id, c.status]));
  const monitoring = x.updates.find((u) => u.status === 'monitoring');
  return {
    id: x.id, name: x.title, status: x.status, created_at: iso(x.createdAt), updated_at: iso(x.updatedAt),
    monitoring_at: monitoring ? iso(monitoring.at) : null, resolved_at: x.resolvedAt === null ? null : iso(x.resolvedAt),
    impact: x.impact, shortlink: `${i.baseUrl}/#incident-${x.id}`, started_at: iso(x.createdAt), page_id: i.state.page.id,
    incident_updates: [...x.updates].reverse().map((u) => updateJson(x.id, u)),
    // A component removed from the page since is left out rather than named by its id.
    components: x.components.filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)!, status: statuses.get(id) ?? 'operational' })),
  };
}

export function statusJson(i: PageJsonInput) {
  const open = i.incidents.filter((x) => x.resolvedAt === null).map((x) => x.impact);
  const indicator = pageIndicator(i.state.components.map((c) => c.status), open);
  return { indicator, description: INDICATOR_DESCRIPTIONS[indicator] };
}

const scheduled = (i: PageJsonInput, only?: 'scheduled' | 'in_progress') =>
  maintenancesJson(i.state.page, i.maintenances ?? [], i.baseUrl).filter((m) => only === undefined || m.status === only);
const open = (i: PageJsonInput) => scheduled(i).filter((m) => m.status !== 'completed');

const unresolved = (i: PageJsonInput) => i.incidents.filter((x) => x.resolvedAt === null).map((x) => incidentJson(i, x));

/** Every document of the page, by its path under /api/v2/. */
export const PAGE_DOCUMENTS: Readonly<Record<string, (i: PageJsonInput) => object>> = {
  'summary.json': (i) => ({ page: pageJson(i), components: componentsJson(i), incidents: unresolved(i), scheduled_maintenances: open(i), status: statusJson(i) }),
  'status.json': (i) => ({ page: pageJson(i), status: statusJson(i) }),
  'components.json': (i) => ({ page: pageJson(i), components: componentsJson(i) }),
  'incidents.json': (i) => ({ page: pageJson(i), incidents: i.incidents.map((x) => incidentJson(i, x)) }),
  'incidents/unresolved.json': (i) => ({ page: pageJson(i), incidents: unresolved(i) }),
  // Maintenance windows (issue 19) that touch the page's components: all recent ones, the upcoming
  // ones (scheduled) and the active ones (in progress).
  'scheduled-maintenances.json': (i) => ({ page: pageJson(i), scheduled_maintenances: scheduled(i) }),
  'scheduled-maintenances/upcoming.json': (i) => ({ page: pageJson(i), scheduled_maintenances: scheduled(i, 'scheduled') }),
  'scheduled-maintenances/active.json': (i) => ({ page: pageJson(i), scheduled_maintenances: scheduled(i, 'in_progress') }),
};
