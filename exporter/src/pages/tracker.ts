/*
 * The current public state of one page: the derived statuses and when each last changed (the
 * `updated_at` of the public format). Fed by every snapshot; derivation itself is derive.ts.
 */
import type { PageConfig } from '../config/types.js';
import type { Snapshot } from '../engine/snapshot.js';
import { derivePage, type PublicComponentState, type PublicStatus } from './derive.js';

export interface TrackedComponent extends PublicComponentState {
  /** Epoch ms the status was entered (or tracking started). */
  readonly since: number;
}

export interface PageState {
  readonly page: PageConfig;
  /** Epoch ms of the snapshot it was derived from (0 before the first). */
  readonly at: number;
  /** In config order. */
  readonly components: readonly TrackedComponent[];
  /** Epoch ms tracking started: the `created_at` of the components. */
  readonly startedAt: number;
}

export class PageTracker {
  private state: PageState;

  constructor(page: PageConfig, startedAt: number) {
    this.state = {
      page, at: 0, startedAt,
      components: page.components.map((c) => ({ id: c.id, name: c.name, status: 'operational', thirdParty: false, since: startedAt })),
    };
  }

  current(): PageState {
    return this.state;
  }

  /** Derives the page from `s`; returns the components whose status changed, with the old status. */
  update(s: Snapshot, page: PageConfig = this.state.page): { component: TrackedComponent; from: PublicStatus }[] {
    const before = new Map(this.state.components.map((c) => [c.id, c]));
    const changed: { component: TrackedComponent; from: PublicStatus }[] = [];
    const components = derivePage(page, s).map((d): TrackedComponent => {
      const prev = before.get(d.id);
      if (prev && prev.status === d.status) return { ...d, since: prev.since };
      const next = { ...d, since: s.at };
      changed.push({ component: next, from: prev?.status ?? 'operational' });
      return next;
    });
    this.state = { page, at: s.at, startedAt: this.state.startedAt, components };
    return changed;
  }
}
