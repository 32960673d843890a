import { afterEach, describe, expect, it } from 'vitest';
import { deliveryWaits } from '../../src/incidents/delivery-waits.js';
import { startOutbox } from '../../src/incidents/outbox.js';
import type { DeliveryResult, IncidentSink } from '../../src/incidents/sink.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import { silentLogger } from './fixtures.js';
import { tempDir } from './support.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

/** A sink whose next answer the test releases; it delivers with ref "ts-<incident>". */
function gatedSink() {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => { release = r; });
  const sink: IncidentSink = {
    name: 'slack', coalesce: false,
    async deliver(_change, incident): Promise<DeliveryResult> {
      await gate;
      return { outcome: 'delivered', ref: `ts-${incident.id}` };
    },
    close: async () => {},
  };
  return { sink, open: () => { release(); gate = Promise.resolve(); } };
}

function setup() {
  const dir = tempDir('sg-waits-');
  const store = openIncidentStore({ dataDir: dir.path, sinks: ['slack'] });
  const waits = deliveryWaits(store);
  const gated = gatedSink();
  const outbox = startOutbox({ store, sinks: [gated.sink], logger: silentLogger, now: Date.now, baseDelayMs: 10, maxDelayMs: 40, jitter: 0, onSettled: (s, k) => waits.settled(s, k) });
  cleanups.push(async () => { waits.close(); gated.open(); await outbox.close(); store.close(); dir.remove(); });
  const manual = () => store.createManual({ title: 'x', components: ['db'], blastRadius: [], severity: 'major', author: 'api', at: Date.now() });
  return { store, waits, outbox, gated, manual };
}

describe('waiting for a sink to catch up with an incident', () => {
  it('answers the ref once every change logged before the wait is delivered, and at once when it already is', async () => {
    const { store, waits, outbox, gated, manual } = setup();
    const id = await manual();
    await store.addUpdate(id, { text: 'u1', author: 'api', at: Date.now() });
    outbox.kick();
    let answered: string | undefined | null = null;
    const waiting = waits.wait('slack', id, 60_000).then((ref) => { answered = ref; return ref; });
    // Nothing is delivered while the sink holds its answer.
    await new Promise<void>((r) => setImmediate(r));
    expect(answered).toBeNull();
    gated.open();
    expect(await waiting).toBe(`ts-${id}`);
    expect(await store.outbox({ sink: 'slack' })).toEqual([]);
    expect(await waits.wait('slack', id, 60_000)).toBe(`ts-${id}`);
  });

  it('gives up after its timeout, and on close', async () => {
    const { waits, manual } = setup();
    const id = await manual();
    expect(await waits.wait('slack', id, 20)).toBeUndefined();
    const pending = waits.wait('slack', id, 60_000);
    waits.close();
    expect(await pending).toBeUndefined();
    expect(await waits.wait('slack', 999, 60_000)).toBeUndefined();
  });
});
