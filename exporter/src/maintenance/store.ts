/*
 * Where run-time maintenance windows and early ends live (issue 19). One interface with a contract
 * suite (exporter/test/maintenance/store-contract.ts): SQLite under data_dir (sqlite/) or the
 * PostgreSQL store database (postgres/), picked by store.kind (backends.ts). Every method returns a promise, so a
 * networked backend fits; apart from IncidentStore, so the two can move independently.
 */

/** A window created at run time (API, internal page, Slack): one occurrence; epoch ms. */
export interface StoredWindow {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** Sorted, unique. */
  readonly components: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
  readonly recoverAfter?: number;
  readonly author: string;
  readonly createdAt: number;
}

/** An occurrence of a window (config or stored) that ended before its end. */
export interface WindowEnding {
  readonly windowId: string;
  /** The occurrence's start: a recurring window's occurrences end apart. */
  readonly startMs: number;
  readonly endedAt: number;
  /** recovered: every component healthy for recover_after rounds; cancelled: by a person. */
  readonly reason: 'recovered' | 'cancelled';
  readonly author: string;
}

/** An occurrence's annotation waiting to reach its destination (Grafana). */
export interface PendingAnnotation {
  readonly windowId: string;
  readonly startMs: number;
  /** JSON of what the destination must show. */
  readonly body: string;
  readonly version: number;
  readonly attempts: number;
  /** The destination's id once known. */
  readonly ref: string | null;
  /** Set before a create left: a retry looks the annotation up first. */
  readonly sentAt: number | null;
}

export class WindowExistsError extends Error {
  constructor(readonly id: string) {
    super(`maintenance window ${id} already exists`);
  }
}

export interface MaintenanceStore {
  /** Keeps a new window durably before resolving; rejects with WindowExistsError on a taken id. */
  create(w: StoredWindow): Promise<void>;
  get(id: string): Promise<StoredWindow | undefined>;
  /** Windows that end after `since` (epoch ms), by start then id. */
  windows(since: number): Promise<StoredWindow[]>;
  /** Records an early end; false (and nothing changed) when that occurrence had already ended early. */
  end(e: WindowEnding): Promise<boolean>;
  /** Early ends recorded at or after `since`, by time. */
  endings(since: number): Promise<WindowEnding[]>;
  /** The annotation of an occurrence must show `body`: a new version, due at `at`. */
  queueAnnotation(a: { readonly windowId: string; readonly startMs: number; readonly body: string; readonly at: number }): Promise<void>;
  /** Annotations whose newest version is not delivered and that are due at `now`, oldest due first. */
  dueAnnotations(now: number, limit: number): Promise<PendingAnnotation[]>;
  /** A create is about to leave. */
  annotationSent(windowId: string, startMs: number, at: number): Promise<void>;
  /** `version` (or a newer one queued meanwhile stays pending) is delivered; `ref` is the destination's id. */
  annotationDelivered(windowId: string, startMs: number, version: number, ref: string): Promise<void>;
  /** A delivery failed: try again at `nextAt`. */
  annotationFailed(windowId: string, startMs: number, error: string, nextAt: number): Promise<void>;
  close(): Promise<void>;
}
