/*
 * Waiting until a sink has caught up with an incident: every change logged so far is delivered (or
 * failed for good). The Slack command answers at once and, once the incident's thread has what the
 * command wrote, links it through the command's `response_url`.
 */
import type { DeliveryKey, SinkOutbox } from './store.js';

export interface DeliveryWaits {
  /**
   * The sink's `ref` for the incident (a Slack thread's `ts`) once it has settled every change
   * logged before the call; undefined when it has no ref then, after `timeoutMs`, or on close.
   */
  wait(sink: string, incidentId: number, timeoutMs: number): Promise<string | undefined>;
  /** The outbox's report (OutboxOptions.onSettled). */
  settled(sink: string, key: DeliveryKey): void;
  close(): void;
}

interface Waiter { readonly sink: string; readonly incidentId: number; readonly seq: number; finish(ref: string | undefined): void }

export function deliveryWaits(store: SinkOutbox): DeliveryWaits {
  const waiting = new Set<Waiter>();
  let closed = false;

  /** Finishes `w` when nothing up to its change is pending any more. */
  const check = async (w: Waiter): Promise<void> => {
    const rows = await store.outbox({ sink: w.sink });
    if (rows.some((r) => r.incidentId === w.incidentId && r.seq <= w.seq && r.state === 'pending')) return;
    w.finish((await store.remoteState(w.sink, w.incidentId)).ref ?? undefined);
  };

  return {
    async wait(sink, incidentId, timeoutMs) {
      const seq = (await store.changes(incidentId)).at(-1)?.seq;
      if (seq === undefined || closed) return undefined;
      return new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => w.finish(undefined), timeoutMs);
        timer.unref();
        const w: Waiter = {
          sink, incidentId, seq,
          finish(ref) {
            if (!waiting.delete(w)) return;
            clearTimeout(timer);
            resolve(ref);
          },
        };
        waiting.add(w);
        // It may have been delivered before the wait began.
        check(w).catch(() => w.finish(undefined));
      });
    },
    settled(sink, key) {
      for (const w of waiting) {
        if (w.sink === sink && w.incidentId === key.incidentId && key.seq >= w.seq) check(w).catch(() => w.finish(undefined));
      }
    },
    close() {
      closed = true;
      for (const w of [...waiting]) w.finish(undefined);
    },
  };
}
