/*
 * Row shapes of the maintenance tables, shared by both backends (sqlite/, postgres/): same column
 * names, components as sorted JSON text, times as epoch ms.
 */
import type { PendingAnnotation, StoredWindow, WindowEnding } from './store.js';

export interface WindowRow {
  id: string; title: string; description: string | null; components: string; starts_at: number; ends_at: number;
  recover_after: number | null; author: string; created_at: number;
}
export interface EndingRow { window_id: string; starts_at: number; ended_at: number; reason: WindowEnding['reason']; author: string }

export const toWindow = (r: WindowRow): StoredWindow => ({
  id: r.id, title: r.title, ...(r.description !== null ? { description: r.description } : {}),
  components: JSON.parse(r.components) as string[], startMs: r.starts_at, endMs: r.ends_at,
  ...(r.recover_after !== null ? { recoverAfter: r.recover_after } : {}), author: r.author, createdAt: r.created_at,
});
export const toEnding = (r: EndingRow): WindowEnding => ({ windowId: r.window_id, startMs: r.starts_at, endedAt: r.ended_at, reason: r.reason, author: r.author });
export interface AnnotationRow { window_id: string; starts_at: number; body: string; version: number; attempts: number; ref: string | null; sent_at: number | null }

export const toPending = (r: AnnotationRow): PendingAnnotation => ({
  windowId: r.window_id, startMs: r.starts_at, body: r.body, version: r.version, attempts: r.attempts, ref: r.ref, sentAt: r.sent_at,
});

/** The components column: unique, sorted, as JSON. */
export const componentsJson = (components: readonly string[]): string => JSON.stringify([...new Set(components)].sort());
