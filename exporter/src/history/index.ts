/*
 * History for the status page: the durable state-change log (uptime bars, 90 days or since the
 * first start) and the in-memory latency rings (24 h sparklines). Fed by every snapshot.
 */
import type { Snapshot } from '../engine/snapshot.js';
import type { Logger } from 'pino';
import { LatencyRings, type ProbeLatency } from './latency.js';
import type { LatencyRingOptions } from './ring.js';
import { HistoryStore } from './store.js';
import { DAY_MS, availability, dailyUptime, type DayUptime } from './uptime.js';

export const UPTIME_DAYS = 90;

export interface ComponentUptime {
  readonly name: string;
  /** Share of observed time operational or degraded over the window; null with no data. */
  readonly availability: number | null;
  readonly days: readonly DayUptime[];
}

export interface UptimeReport {
  /** Start of the window: 90 days back at UTC midnight, or the first run if later. */
  readonly from: number;
  readonly to: number;
  readonly days: number;
  readonly components: readonly ComponentUptime[];
}

export interface History {
  onSnapshot(s: Snapshot): void;
  uptime(names: readonly string[], days?: number): UptimeReport;
  latency(): ProbeLatency[];
  close(): void;
}

export interface HistoryDeps {
  readonly dataDir: string;
  readonly now: () => number;
  readonly logger: Logger;
  readonly rings?: LatencyRingOptions;
  readonly touchEveryMs?: number;
}

export function createHistory(deps: HistoryDeps): History {
  const store = new HistoryStore({ dataDir: deps.dataDir, now: deps.now, ...(deps.touchEveryMs ? { touchEveryMs: deps.touchEveryMs } : {}) });
  const rings = new LatencyRings(deps.rings);
  const logger = deps.logger.child({ subsystem: 'history' });
  let failing = false;
  return {
    onSnapshot(s) {
      rings.record(s);
      try {
        store.record(s);
        failing = false;
      } catch (err) {
        // History is best effort: a full disk must not stop probing; say so once, not per snapshot.
        if (!failing) logger.error({ event: 'history_write_failed', error: (err as Error).message }, 'state history not written');
        failing = true;
      }
    },
    uptime(names, days = UPTIME_DAYS) {
      const to = deps.now();
      const windowStart = Math.floor(to / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
      const q = store.query(windowStart);
      const from = Math.max(windowStart, q.firstStart ?? to);
      return {
        from,
        to,
        days,
        components: names.map((name) => {
          const list = dailyUptime(q.records.get(name) ?? [], q.spans, from, to);
          return { name, availability: availability(list), days: list };
        }),
      };
    },
    latency: () => rings.series(deps.now()),
    close: () => store.close(),
  };
}
