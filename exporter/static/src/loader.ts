/**
 * Sparklines and uptime days of the rows in view, fetched on demand in batches (at 10,000
 * components, 90 days of uptime for all is ~36 MB and 24 h of latency ~2.5 MB; a screen shows
 * tens). Each name is asked for once; the stream keeps loaded ones current after that.
 */
import { getJson } from './api.js';

export const BATCH = 200;

export interface Loader {
  /** Asks for the names not loaded or in flight; `onLoaded` runs after each answer. */
  want(names: readonly string[]): void;
  has(name: string): boolean;
  /** Forget everything (a full resync): visible rows are asked for again. */
  reset(): void;
}

/** `fetchBatch` gets at most BATCH names and stores what it reads. */
export function createLoader(fetchBatch: (names: readonly string[]) => Promise<void>, onLoaded: () => void): Loader {
  const state = new Map<string, 'loading' | 'loaded'>();
  let pending = new Set<string>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const names = [...pending];
    pending = new Set();
    for (let i = 0; i < names.length; i += BATCH) {
      const batch = names.slice(i, i + BATCH);
      fetchBatch(batch).then(
        () => { for (const n of batch) state.set(n, 'loaded'); onLoaded(); },
        // A failed batch is asked for again when its rows are next drawn.
        () => { for (const n of batch) state.delete(n); });
    }
  };
  return {
    want(names) {
      for (const n of names) {
        if (state.has(n)) continue;
        state.set(n, 'loading');
        pending.add(n);
      }
      if (pending.size && !scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    has: (n) => state.get(n) === 'loaded',
    reset: () => state.clear(),
  };
}

export interface LatencyAnswer {
  readonly gaps?: [number, number][];
  readonly probes: { component: string; probe: string; widthMs: number; buckets: [number, number | null, number | null, number][] }[];
}
export interface UptimeAnswer {
  readonly from: string;
  /** Day rows: [day, observed, operational, degraded, partial_outage, major_outage, planned (only when above 0)]. */
  readonly components: { name: string; days: [string, number, number, number, number, number, number?][] }[];
}

export const latencyOf = (names: readonly string[]) => getJson<LatencyAnswer>(`api/v1/latency?components=${names.map(encodeURIComponent).join(',')}`);
export const uptimeOf = (names: readonly string[], days: number) => getJson<UptimeAnswer>(`api/v1/uptime?days=${days}&components=${names.map(encodeURIComponent).join(',')}`);
