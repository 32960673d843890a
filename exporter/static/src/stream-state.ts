/**
 * The page's side of the stream contract: a `snapshot` replaces the picture, a `diff` replaces the
 * components it carries and drops the removed ones, and is applied only when it starts at or before
 * the version the page holds (`since`); otherwise the page reconnects with its version. Pure.
 */
import type { ComponentView } from './model.js';

export interface DiffEvent {
  readonly version: string;
  readonly since: string;
  readonly seq: number;
  readonly generatedAt: string;
  readonly components: readonly ComponentView[];
  readonly removed: readonly string[];
}

/** [epoch, seq] of `<epoch>.<seq>`; undefined for anything else. */
export function parseVersion(v: string | undefined | null): [string, number] | undefined {
  const m = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(v ?? '');
  return m ? [m[1]!, Number(m[2])] : undefined;
}

/** Whether a diff counted from `since` covers everything after `held`: same process, not later. */
export function canApply(held: string | undefined, since: string): boolean {
  const h = parseVersion(held);
  const s = parseVersion(since);
  return !!h && !!s && h[0] === s[0] && s[1] <= h[1];
}

/** One component from the stream over what the page holds; keeps what only the full view had. */
export function mergeComponent(old: ComponentView | undefined, c: ComponentView): ComponentView {
  return { ...old, ...c, runbook: c.runbook ?? old?.runbook ?? null, probes: c.probes ?? old?.probes ?? [] };
}

export interface Applied {
  /** Names whose view changed (added included). */
  readonly changed: readonly string[];
  /** Whether the order or grouping of the list can have changed: state, impact, tier, added, removed. */
  readonly reorder: boolean;
}

/** Applies a diff to the map in place. */
export function applyDiff(byName: Map<string, ComponentView>, diff: Pick<DiffEvent, 'components' | 'removed'>): Applied {
  let reorder = false;
  const changed: string[] = [];
  for (const name of diff.removed) if (byName.delete(name)) reorder = true;
  for (const c of diff.components) {
    const old = byName.get(c.name);
    if (!old || old.state !== c.state || old.impacted !== c.impacted || old.tier !== c.tier || (old.affected ?? false) !== (c.affected ?? false)) reorder = true;
    byName.set(c.name, mergeComponent(old, c));
    changed.push(c.name);
  }
  return { changed, reorder };
}
