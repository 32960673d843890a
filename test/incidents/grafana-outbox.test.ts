import { afterEach, describe, expect, it } from 'vitest';
import { annotationTags } from '../../exporter/src/grafana/annotation.js';
import { createAnnotationClient } from '../../exporter/src/grafana/client.js';
import { startAnnotationOutbox } from '../../exporter/src/grafana/outbox.js';
import { openIncidentStore, type IncidentStore } from '../../exporter/src/incidents/store.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafana.js';
import { until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { silentLogger } from '../../exporter/test/incidents/fixtures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function setup(opts: Parameters<typeof startGrafanaStandIn>[0] & { timeoutMs?: number; token?: string } = {}) {
  const grafana = await startGrafanaStandIn(opts);
  const dir = tempDir('sg-outbox-');
  const store = openIncidentStore({ dataDir: dir.path, annotate: true });
  cleanups.push(() => grafana.close(), () => dir.remove());
  const start = (s: IncidentStore = store, token = grafana.token) => {
    const outbox = startAnnotationOutbox({
      store: s,
      client: createAnnotationClient({ url: grafana.url, token, timeoutMs: opts.timeoutMs ?? 2000 }),
      logger: silentLogger, now: Date.now, baseDelayMs: 20, maxDelayMs: 200,
    });
    cleanups.push(() => outbox.close());
    return outbox;
  };
  cleanups.push(() => store.close());
  return { grafana, store, start, dataDir: dir.path };
}

const synced = (store: IncidentStore) => () => store.nextAnnotationAttempt() === undefined;

function manual(store: IncidentStore, components = ['api', 'db']) {
  return store.createManual({ title: 'DB down', components, blastRadius: [], severity: 'critical', author: 'api', at: Date.now() - 60_000 });
}

function onlyRealRequests(g: GrafanaStandIn) {
  return g.requests().filter((r) => r.status !== 500);
}

describe('grafana annotation outbox', () => {
  it('retries through failures and ends with exactly one annotation per incident, tags right, timeEnd on resolve', async () => {
    const { grafana, store, start } = await setup({ failFirst: 3 });
    const a = manual(store);
    const b = manual(store, ['web']);
    const outbox = start();
    await until('annotations synced', synced(store), 10_000);
    expect(grafana.requests().filter((r) => r.status === 500)).toHaveLength(3);
    const anns = grafana.annotations();
    expect(anns).toHaveLength(2);
    const ofA = anns.find((x) => x.tags.includes('incident:INC-' + a))!;
    expect(ofA.tags).toEqual(['incident', `incident:INC-${a}`, 'component:api', 'component:db', 'severity:critical']);
    expect(ofA.tags).toEqual(annotationTags(store.get(a)!));
    expect(ofA.dashboardUID).toBeNull();
    expect(ofA.time).toBe(store.get(a)!.startedAt);
    expect(anns.find((x) => x.tags.includes('incident:INC-' + b))!.tags).toContain('component:web');

    store.resolve(a, { author: 'api', at: Date.now() });
    // The worker is idle with nothing due: the change reaches Grafana through kick().
    outbox.kick();
    await until('resolution synced', synced(store), 10_000);
    const after = grafana.annotations().find((x) => x.id === ofA.id)!;
    expect(after.timeEnd).toBe(store.get(a)!.resolvedAt);
    expect(grafana.annotations()).toHaveLength(2);
    expect(onlyRealRequests(grafana).filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(onlyRealRequests(grafana).filter((r) => r.method === 'PATCH').map((r) => (r.body as { timeEnd?: number }).timeEnd)).toEqual([store.get(a)!.resolvedAt]);
    expect(grafana.violations()).toEqual([]);
  });

  it('never posts a second annotation after a POST whose answer was lost', async () => {
    const { grafana, store, start } = await setup({ hangFirstPosts: 1, timeoutMs: 300 });
    const id = manual(store);
    const outbox = start();
    await until('annotation synced', synced(store), 10_000);
    expect(grafana.annotations()).toHaveLength(1);
    // The lost POST, then a search that found it, then a PATCH to the found id.
    expect(grafana.requests().map((r) => r.method)).toEqual(['POST', 'GET', 'PATCH']);
    expect(grafana.violations()).toEqual([]);
    store.resolve(id, { author: 'api', at: Date.now() });
    outbox.kick();
    await until('resolution synced', synced(store), 10_000);
    expect(grafana.annotations()).toHaveLength(1);
    expect(grafana.annotations()[0]!.timeEnd).toBe(store.get(id)!.resolvedAt);
  });

  it('recreates an annotation someone deleted in Grafana, rather than retrying a PATCH forever', async () => {
    const { grafana, store, start } = await setup();
    const id = manual(store);
    const outbox = start();
    await until('annotation synced', synced(store), 10_000);
    const [first] = grafana.annotations();
    const del = await fetch(`${grafana.url}/api/annotations/${first!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${grafana.token}` } });
    expect(del.status).toBe(200);
    store.addUpdate(id, { text: 'still down', author: 'api', at: Date.now() });
    outbox.kick();
    await until('update synced', synced(store), 10_000);
    const anns = grafana.annotations();
    expect(anns).toHaveLength(1);
    expect(anns[0]!.id).not.toBe(first!.id);
    expect(anns[0]!.tags).toContain(`incident:INC-${id}`);
    expect(grafana.requests().map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200', 'DELETE 200', 'PATCH 404', 'POST 200']);
  });

  it('keeps pending work across a restart with a bad token, and finishes it once the token is right', async () => {
    const { grafana, store, start, dataDir } = await setup();
    manual(store);
    const wrong = start(store, 'not-the-token');
    await until('a failed attempt', () => grafana.requests().some((r) => r.status === 401), 10_000);
    await wrong.close();
    expect(grafana.annotations()).toEqual([]);
    store.close();
    const reopened = openIncidentStore({ dataDir, annotate: true });
    cleanups.push(() => reopened.close());
    start(reopened);
    await until('annotation synced after restart', synced(reopened), 10_000);
    expect(grafana.annotations()).toHaveLength(1);
    expect(grafana.violations().every((r) => r.status === 401)).toBe(true);
  });
});
