/*
 * Where run-time maintenance windows and early ends live (issue 19). One interface with a contract
 * suite (exporter/test/maintenance/store-contract.ts): SQLite under data_dir now, a PostgreSQL
 * backend later is one module passing the same suite. Every method returns a promise, so a
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
  close(): Promise<void>;
}
