import { afterEach, describe, expect, it } from 'vitest';
import { GrafanaError, type AnnotationClient } from '../../src/grafana/client.js';
import { startOutbox } from '../../src/incidents/outbox.js';
import type { DeliveryContext, IncidentChange, IncidentSink } from '../../src/incidents/sink.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import type { Incident } from '../../src/incidents/types.js';
import { grafanaSink } from '../../src/sinks/grafana.js';
import { recordingLogger } from '../engine/fakes.js';
import { tempDir, until } from '../incidents/support.js';

// Every sink and outbox log line names an incident the way the API, the page and Slack do (INC-19),
// never by its store key (19): an operator greps the log for the id they were given.

const incident: Incident = {
  id: 19, title: 'db down', source: 'auto', rootCause: 'db', severity: 'critical', status: 'investigating',
  components: ['db'], blastRadius: [], tookDown: ['db'], startedAt: 1_700_000_000_000, resolvedAt: null, updatedAt: 1_700_000_000_000,
};
const change: IncidentChange = { seq: 3, incidentId: 19, kind: 'updated', at: 1, entries: [] };
const ctx = (ref: string | null, sentAt: number | null): DeliveryContext => ({ attempt: 1, remote: { ref, sentAt }, sentAt: null, markSent: async () => {} });

function client(over: Partial<AnnotationClient>): AnnotationClient {
  return { create: async () => 5, patch: async () => {}, findByTag: async () => undefined, close: async () => {}, ...over };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

describe('incident ids in sink and outbox logs', () => {
  it('the Grafana sink logs INC-19 when it finds an earlier annotation and when it recreates a deleted one', async () => {
    const found = recordingLogger();
    await grafanaSink(client({ findByTag: async () => 8 }), found.logger).deliver(change, incident, ctx(null, 1));
    const deleted = recordingLogger();
    await grafanaSink(client({ patch: async () => { throw new GrafanaError('gone', 404); } }), deleted.logger).deliver(change, incident, ctx('8', 1));
    const lines = [...found.lines, ...deleted.lines];
    expect(lines.map((l) => l.msg)).toEqual(['found the annotation of an earlier unanswered POST', 'annotation was deleted in Grafana; creating it again']);
    for (const l of lines) expect(l).toMatchObject({ incident: 'INC-19', annotation: 8 });
  });

  it('the outbox logs a failed delivery with INC-n', async () => {
    const dir = tempDir('sg-log-ids-');
    const store = openIncidentStore({ dataDir: dir.path, sinks: ['failing'] });
    cleanups.push(async () => { await store.close(); dir.remove(); });
    const sink: IncidentSink = { name: 'failing', coalesce: false, deliver: async () => ({ outcome: 'failed', error: 'refused' }), close: async () => {} };
    const id = await store.createManual({ title: 't', components: ['db'], blastRadius: [], severity: 'major', author: 'api', at: Date.now() });
    const { logger, lines } = recordingLogger();
    const o = startOutbox({ store, sinks: [sink], logger, now: Date.now, baseDelayMs: 10, maxDelayMs: 40, jitter: 0 });
    cleanups.push(() => o.close());
    const line = await until('the failure is logged', () => lines.find((l) => l.msg === 'incident delivery failed for good; later changes go on'));
    expect(line).toMatchObject({ incident: `INC-${id}`, sink: 'failing' });
  });
});
