/*
 * What windows there are at a time, pure: config windows and stored ones, with their early ends,
 * as occurrences; the cover (component -> window) and when it next changes.
 */
import type { WindowRef } from '../engine/snapshot.js';
import { occurrenceAt, occurrencesBetween, type WindowConfig } from '../config/windows.js';
import type { StoredWindow, WindowEnding } from './store.js';
import type { MaintenanceWindowView } from '@statusgraph/core';

/** A window of either origin as the schedule sees it. */
export interface AnyWindow {
  readonly window: WindowConfig;
  readonly source: 'config' | 'adhoc';
  readonly author?: string;
}

export function fromStored(w: StoredWindow): AnyWindow {
  return {
    source: 'adhoc',
    author: w.author,
    window: {
      id: w.id, title: w.title, ...(w.description !== undefined ? { description: w.description } : {}),
      components: w.components, ...(w.recoverAfter !== undefined ? { recoverAfter: w.recoverAfter } : {}),
      schedule: { kind: 'once', startMs: w.startMs, endMs: w.endMs },
    },
  };
}

const key = (id: string, startMs: number) => `${id}@${startMs}`;

/** Early ends by occurrence. */
export type Endings = ReadonlyMap<string, WindowEnding>;

export function endingsMap(list: readonly WindowEnding[]): Map<string, WindowEnding> {
  return new Map(list.map((e) => [key(e.windowId, e.startMs), e]));
}

export function endingOf(endings: Endings, id: string, startMs: number): WindowEnding | undefined {
  return endings.get(key(id, startMs));
}

/** An occurrence in force at `t`: begun, not past its end, not ended early. */
export interface Active {
  readonly any: AnyWindow;
  readonly ref: WindowRef;
}

export function activeAt(windows: readonly AnyWindow[], endings: Endings, t: number): Active[] {
  const out: Active[] = [];
  for (const any of windows) {
    const o = occurrenceAt(any.window.schedule, t);
    if (!o) continue;
    const e = endingOf(endings, any.window.id, o.startMs);
    if (e && e.endedAt <= t) continue;
    out.push({ any, ref: { id: any.window.id, title: any.window.title, startMs: o.startMs, endMs: o.endMs } });
  }
  return out;
}

/** Component -> the window covering it. Overlaps are refused on input; on a tie the first listed wins. */
export function coverOf(active: readonly Active[]): Map<string, WindowRef> {
  const cover = new Map<string, WindowRef>();
  for (const a of active) for (const c of a.any.window.components) if (!cover.has(c)) cover.set(c, a.ref);
  return cover;
}

/** When the cover next changes after `t`: an active occurrence ends or a next one starts; capped at `t + cap`. */
export function nextChange(windows: readonly AnyWindow[], active: readonly Active[], t: number, cap: number): number {
  let next = t + cap;
  for (const a of active) next = Math.min(next, a.ref.endMs);
  for (const any of windows) {
    const [o] = occurrencesBetween(any.window.schedule, t + 1, next, 2).filter((x) => x.startMs > t);
    if (o) next = Math.min(next, o.startMs);
  }
  return next;
}

/** The API view of one occurrence at `t`. */
export function view(any: AnyWindow, o: { startMs: number; endMs: number }, endings: Endings, t: number): MaintenanceWindowView {
  const w = any.window;
  const e = endingOf(endings, w.id, o.startMs);
  const status: MaintenanceWindowView['status'] = e?.reason === 'cancelled' && e.endedAt <= t ? 'cancelled'
    : (e && e.endedAt <= t) || o.endMs <= t ? 'ended'
      : o.startMs <= t ? 'active' : 'upcoming';
  return {
    id: w.id, title: w.title, description: w.description ?? null, components: w.components, source: any.source,
    kind: w.schedule.kind, startsAt: new Date(o.startMs).toISOString(), endsAt: new Date(o.endMs).toISOString(),
    recoverAfter: w.recoverAfter ?? null, status, endedAt: e && e.endedAt <= t ? new Date(e.endedAt).toISOString() : null,
    author: any.author ?? null,
  };
}

/** Every occurrence that ends after `from` and starts before `to`, as views, by start. */
export function occurrences(windows: readonly AnyWindow[], endings: Endings, from: number, to: number, t: number, limit: number): MaintenanceWindowView[] {
  const out: MaintenanceWindowView[] = [];
  for (const any of windows) for (const o of occurrencesBetween(any.window.schedule, from, to, limit)) out.push(view(any, o, endings, t));
  return out.sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : a.id < b.id ? -1 : 1)).slice(0, limit);
}
