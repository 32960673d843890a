/*
 * Public incidents: what customers are told on an audience page, written by people (or, when a
 * page enables it, a plain-words automatic notice). Linked to the internal incident they stand for;
 * the link is kept internally and never rendered on the public side.
 */

/** Statuses of a public update, as in the Statuspage format; `resolved` closes the public incident. */
export const PUBLIC_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** Impact as the public format states it; it raises the page's indicator while the incident is open. */
export const PUBLIC_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type PublicImpact = (typeof PUBLIC_IMPACTS)[number];

export interface PublicUpdate {
  /** Random, public; says nothing about the internal incident. */
  readonly id: string;
  readonly status: PublicStatus;
  readonly body: string;
  readonly at: number;
}

export interface PublicIncident {
  /** Random, public (12 characters of [a-z0-9], like Statuspage's). */
  readonly id: string;
  readonly page: string;
  /** The internal incident it stands for; null for an automatic notice. */
  readonly incidentId: number | null;
  readonly title: string;
  readonly impact: PublicImpact;
  readonly status: PublicStatus;
  /** Public component ids of the page. */
  readonly components: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly resolvedAt: number | null;
  /** Oldest first. */
  readonly updates: readonly PublicUpdate[];
}

/**
 * The internal incident's timeline entry that records what customers were told (kind `public`),
 * written in the same transaction as the public write, so its Slack thread and webhooks hear of it.
 */
export interface PublicNote {
  readonly text: string;
  readonly author: string;
}

export interface PublishInput {
  readonly id: string;
  readonly page: string;
  readonly incidentId: number | null;
  readonly title: string;
  readonly impact: PublicImpact;
  readonly components: readonly string[];
  /** The first update: what customers are told now. */
  readonly update: PublicUpdate;
  /** Written to the internal incident's timeline (when `incidentId` is set). */
  readonly note?: PublicNote;
}

/** The public incidents part of the incident store (store.ts); a backend passes the contract suite. */
export interface PublicIncidentStore {
  publish(input: PublishInput): Promise<void>;
  /**
   * Appends an update; `resolved` resolves. Rejects with IncidentStateError when missing or resolved.
   * `note` goes to the linked internal incident's timeline, resolved or not.
   */
  addPublicUpdate(id: string, update: PublicUpdate, note?: PublicNote): Promise<void>;
  getPublic(id: string): Promise<PublicIncident | undefined>;
  /** Newest first. */
  listPublic(filter?: { readonly page?: string; readonly incidentId?: number; readonly state?: 'open' | 'resolved'; readonly limit?: number }): Promise<PublicIncident[]>;
}
