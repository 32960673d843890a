import { afterEach, describe, expect, it } from 'vitest';
import { startOutbox, type Outbox, type OutboxOptions } from '../../src/incidents/outbox.js';
import type { DeliveryContext, DeliveryResult, IncidentChange, IncidentSink } from '../../src/incidents/sink.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import type { IncidentStore } from '../../src/incidents/store.js';
import type { Incident } from '../../src/incidents/types.js';
import { manualClock, silentLogger } from './fixtures.js';
import { tempDir, until } from './support.js';

interface Call { incident: number; seq: number; kind: string; status: string; ctx: DeliveryContext }

/** A sink in this process whose answers the test scripts; it records every call. */
function scriptedSink(name: string, coalesce: boolean, answer: (call: Call, n: number) => Promise<DeliveryResult> | DeliveryResult) {
  const calls: Call[] = [];
  const sink: IncidentSink = {
    name,
    coalesce,
    async deliver(change: IncidentChange, incident: Incident, ctx) {
      const call = { incident: incident.id, seq: change.seq, kind: change.kind, status: incident.status, ctx };
      calls.push(call);
      return answer(call, calls.length);
    },
    close: async () => {},
  };
  return { sink, calls };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function setup(sinks: readonly IncidentSink[], clock = { now: Date.now }, gate?: OutboxOptions['gate']) {
  const dir = tempDir('sg-outbox-unit-');
  const store: IncidentStore = openIncidentStore({ dataDir: dir.path, sinks: sinks.map((s) => s.name) });
  cleanups.push(async () => { await store.close(); dir.remove(); });
  const start = (): Outbox => {
    const o = startOutbox({ store, sinks, logger: silentLogger, now: clock.now, baseDelayMs: 10, maxDelayMs: 40, jitter: 0, ...(gate ? { gate } : {}) });
    cleanups.push(() => o.close());
    return o;
  };
  const manual = (title: string) => store.createManual({ title, components: ['db'], blastRadius: [], severity: 'major', author: 'api', at: clock.now() });
  return { store, start, manual };
}

const delivered = (): DeliveryResult => ({ outcome: 'delivered' });

describe('outbox worker behind a gate (a cluster: the leader delivers)', () => {
  it('reads nothing while inactive, delivers once kicked active, and polls for changes queued elsewhere', async () => {
    let leading = false;
    const s = scriptedSink('s', false, delivered);
    const { store, start, manual } = setup([s.sink], undefined, { active: () => leading, pollMs: 20 });
    const reads: string[] = [];
    for (const m of ['dueDeliveries', 'nextDeliveryAt'] as const) {
      const real = store[m].bind(store) as (...a: unknown[]) => unknown;
      (store as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => { reads.push(m); return real(...a); };
    }
    const a = await manual('A');
    const o = start();
    o.kick();
    // A follower neither claims nor arms a timer: run() returns before touching the queue.
    expect(reads).toEqual([]);
    leading = true;
    o.kick();
    await until('A delivered', () => s.calls.length === 1);
    expect(s.calls[0]!.incident).toBe(a);
    // Another replica queues B in the shared store and kicks only its own outbox: the poll finds it.
    const b = await manual('B');
    await until('B delivered by the poll', () => s.calls.length === 2);
    expect(s.calls[1]!.incident).toBe(b);
    await o.close();
    expect(await store.outbox()).toEqual([]);
  });

  it('stops between two deliveries when leadership ends, leaving the rest queued', async () => {
    let leading = true;
    const s = scriptedSink('s', false, () => { leading = false; return { outcome: 'delivered' }; });
    const { store, start, manual } = setup([s.sink], undefined, { active: () => leading, pollMs: 20 });
    await manual('A');
    const b = await manual('B');
    const o = start();
    await until('one delivery', () => s.calls.length === 1);
    await o.close();
    expect(s.calls).toHaveLength(1);
    expect((await store.outbox()).map((r) => [r.incidentId, r.state])).toEqual([[b, 'pending']]);
  });
});

describe('outbox worker', () => {
  it('gives an ordered sink every change of an incident, in order, and a coalescing one only the newest', async () => {
    const ordered = scriptedSink('ordered', false, delivered);
    const latest = scriptedSink('latest', true, delivered);
    const { store, start, manual } = setup([ordered.sink, latest.sink]);
    const a = await manual('A');
    await store.addUpdate(a, { text: 'u1', author: 'api', at: Date.now() });
    const b = await manual('B');
    await store.resolve(a, { author: 'api', at: Date.now() });
    const o = start();
    await until('all delivered', () => ordered.calls.length === 4 && latest.calls.length === 2);
    await o.close();
    expect(ordered.calls.filter((c) => c.incident === a).map((c) => c.kind)).toEqual(['opened', 'updated', 'resolved']);
    expect(ordered.calls.filter((c) => c.incident === b).map((c) => c.kind)).toEqual(['opened']);
    const byIncident = latest.calls.map((c) => [c.incident, c.kind, c.status]).sort((x, y) => Number(x[0]) - Number(y[0]));
    expect(byIncident).toEqual([[a, 'resolved', 'resolved'], [b, 'opened', 'investigating']]);
    expect(await store.outbox()).toEqual([]);
  });

  it('keeps a permanent failure as failed without retrying it, and goes on with the next change', async () => {
    const s = scriptedSink('s', false, (_c, n) => (n === 1 ? { outcome: 'failed', error: '400 bad payload' } : { outcome: 'delivered' }));
    const { store, start, manual } = setup([s.sink]);
    const a = await manual('A');
    await store.addUpdate(a, { text: 'u1', author: 'api', at: Date.now() });
    const o = start();
    await until('second change delivered', () => s.calls.length === 2);
    await o.close();
    expect(s.calls.map((c) => c.kind)).toEqual(['opened', 'updated']);
    expect((await store.outbox()).map((r) => [r.state, r.attempts, r.lastError])).toEqual([['failed', 1, '400 bad payload']]);
  });

  it('retries a throwing sink with backoff, and tells the next attempt that a request was sent', async () => {
    const clock = manualClock();
    const s = scriptedSink('s', false, async (c, n) => {
      await c.ctx.markSent();
      if (n === 1) throw new Error('socket hang up');
      return { outcome: 'delivered', ref: 'r-1' };
    });
    const { store, start, manual } = setup([s.sink], clock);
    const a = await manual('A');
    const o = start();
    await until('first attempt', () => s.calls.length === 1);
    await o.close(); // waits for the attempt to be settled
    expect((await store.outbox()).map((r) => [r.attempts, r.lastError, r.nextAttemptAt - clock.now()])).toEqual([[1, 'socket hang up', 10]]);
    clock.advance(10);
    const again = start();
    await until('second attempt', () => s.calls.length === 2);
    await again.close();
    expect([s.calls[1]!.ctx.attempt, s.calls[1]!.ctx.sentAt, s.calls[1]!.ctx.remote.sentAt]).toEqual([2, clock.now() - 10, clock.now() - 10]);
    expect(await store.remoteState('s', a)).toEqual({ ref: 'r-1', sentAt: clock.now() - 10 });
    expect(await store.outbox()).toEqual([]);
  });

  it('honours Retry-After for the whole sink: no other incident is tried before it', async () => {
    const clock = manualClock();
    const s = scriptedSink('s', false, () => ({ outcome: 'retry', error: '429 rate limited', retryAfterMs: 30_000 }));
    const { store, start, manual } = setup([s.sink], clock);
    await manual('A');
    await manual('B');
    const o = start();
    await until('first attempt', () => s.calls.length === 1);
    await o.close();
    expect(s.calls).toHaveLength(1);
    const rows = await store.outbox();
    expect(rows.map((r) => [r.incidentId, r.attempts, r.nextAttemptAt - clock.now()])).toEqual([[1, 1, 30_000], [2, 0, 0]]);
  });
});
