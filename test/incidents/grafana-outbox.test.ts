import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { annotationBody, annotationTags } from '../../exporter/src/grafana/annotation.js';
import { createAnnotationClient } from '../../exporter/src/grafana/client.js';
import { startOutbox } from '../../exporter/src/incidents/outbox.js';
import { SCHEMA_VERSION } from '../../exporter/src/incidents/sqlite/migrations.js';
import { DB_FILE, openIncidentStore } from '../../exporter/src/incidents/sqlite/store.js';
import type { IncidentStore } from '../../exporter/src/incidents/store.js';
import { grafanaSink } from '../../exporter/src/sinks/grafana.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafana.js';
import { until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { silentLogger } from '../../exporter/test/incidents/fixtures.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function setup(opts: Parameters<typeof startGrafanaStandIn>[0] & { timeoutMs?: number; token?: string } = {}) {
  const grafana = await startGrafanaStandIn(opts);
  const dir = tempDir('sg-outbox-');
  const store = openIncidentStore({ dataDir: dir.path, sinks: ['grafana'] });
  cleanups.push(() => grafana.close(), () => dir.remove());
  const start = (s: IncidentStore = store, token = grafana.token) => {
    const client = createAnnotationClient({ url: grafana.url, token, timeoutMs: opts.timeoutMs ?? 2000 });
    const outbox = startOutbox({
      store: s, sinks: [grafanaSink(client, silentLogger)],
      logger: silentLogger, now: Date.now, baseDelayMs: 20, maxDelayMs: 200,
    });
    cleanups.push(() => outbox.close());
    return outbox;
  };
  cleanups.push(() => store.close());
  return { grafana, store, start, dataDir: dir.path };
}

const synced = (store: IncidentStore) => async () => (await store.nextDeliveryAt('grafana')) === undefined;

function manual(store: IncidentStore, components = ['api', 'db']) {
  return store.createManual({ title: 'DB down', components, blastRadius: [], severity: 'critical', author: 'api', at: Date.now() - 60_000 });
}

function onlyRealRequests(g: GrafanaStandIn) {
  return g.requests().filter((r) => r.status !== 500);
}

describe('grafana annotation outbox', () => {
  it('retries through failures and ends with exactly one annotation per incident, tags right, timeEnd on resolve', async () => {
    const { grafana, store, start } = await setup({ failFirst: 3 });
    const a = await manual(store);
    const b = await manual(store, ['web']);
    const outbox = start();
    await until('annotations synced', synced(store), 10_000);
    expect(grafana.requests().filter((r) => r.status === 500)).toHaveLength(3);
    const anns = grafana.annotations();
    expect(anns).toHaveLength(2);
    const ofA = anns.find((x) => x.tags.includes('incident:INC-' + a))!;
    expect(ofA.tags).toEqual(['incident', `incident:INC-${a}`, 'component:api', 'component:db', 'severity:critical']);
    expect(ofA.tags).toEqual(annotationTags((await store.get(a))!));
    expect(ofA.dashboardUID).toBeNull();
    expect(ofA.time).toBe((await store.get(a))!.startedAt);
    expect(anns.find((x) => x.tags.includes('incident:INC-' + b))!.tags).toContain('component:web');

    await store.resolve(a, { author: 'api', at: Date.now() });
    // The worker is idle with nothing due: the change reaches Grafana through kick().
    outbox.kick();
    await until('resolution synced', synced(store), 10_000);
    const after = grafana.annotations().find((x) => x.id === ofA.id)!;
    expect(after.timeEnd).toBe((await store.get(a))!.resolvedAt);
    expect(grafana.annotations()).toHaveLength(2);
    expect(onlyRealRequests(grafana).filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(onlyRealRequests(grafana).filter((r) => r.method === 'PATCH').map((r) => (r.body as { timeEnd?: number }).timeEnd)).toEqual([(await store.get(a))!.resolvedAt]);
    expect(grafana.violations()).toEqual([]);
  });

  it('never posts a second annotation after a POST whose answer was lost', async () => {
    const { grafana, store, start } = await setup({ hangFirstPosts: 1, timeoutMs: 300 });
    const id = await manual(store);
    const outbox = start();
    await until('annotation synced', synced(store), 10_000);
    expect(grafana.annotations()).toHaveLength(1);
    // The lost POST, then a search that found it, then a PATCH to the found id.
    expect(grafana.requests().map((r) => r.method)).toEqual(['POST', 'GET', 'PATCH']);
    expect(grafana.violations()).toEqual([]);
    await store.resolve(id, { author: 'api', at: Date.now() });
    outbox.kick();
    await until('resolution synced', synced(store), 10_000);
    expect(grafana.annotations()).toHaveLength(1);
    expect(grafana.annotations()[0]!.timeEnd).toBe((await store.get(id))!.resolvedAt);
  });

  it('recreates an annotation someone deleted in Grafana, rather than retrying a PATCH forever', async () => {
    const { grafana, store, start } = await setup();
    const id = await manual(store);
    const outbox = start();
    await until('annotation synced', synced(store), 10_000);
    const [first] = grafana.annotations();
    const del = await fetch(`${grafana.url}/api/annotations/${first!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${grafana.token}` } });
    expect(del.status).toBe(200);
    await store.addUpdate(id, { text: 'still down', author: 'api', at: Date.now() });
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
    await manual(store);
    const wrong = start(store, 'not-the-token');
    await until('a failed attempt', () => grafana.requests().some((r) => r.status === 401), 10_000);
    await wrong.close();
    expect(grafana.annotations()).toEqual([]);
    await store.close();
    const reopened = openIncidentStore({ dataDir, sinks: ['grafana'] });
    cleanups.push(() => reopened.close());
    start(reopened);
    await until('annotation synced after restart', synced(reopened), 10_000);
    expect(grafana.annotations()).toHaveLength(1);
    expect(grafana.violations().every((r) => r.status === 401)).toBe(true);
  });

  it('upgrades a database written by the Grafana-only outbox (schema 1) without losing or re-posting an annotation', async () => {
    const grafana = await startGrafanaStandIn();
    const dir = tempDir('sg-upgrade-');
    cleanups.push(() => grafana.close(), () => dir.remove());
    fs.copyFileSync(path.join(FIXTURES, 'incidents-v1.db'), path.join(dir.path, DB_FILE));
    const store = openIncidentStore({ dataDir: dir.path, sinks: ['grafana'] });
    cleanups.push(() => store.close());
    const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

    // What the old outbox left: INC-1 annotated as 1 with an update pending, INC-3 annotated as 2,
    // INC-2 POSTed (answer lost, it is Grafana's 3) and pending.
    expect((await store.outbox()).map((o) => [o.sink, o.incidentId, o.state, o.attempts, o.lastError, o.sentAt])).toEqual([
      ['grafana', 1, 'pending', 1, 'PATCH /api/annotations/1: 502 Bad Gateway', null],
      ['grafana', 2, 'pending', 1, 'POST /api/annotations: timed out after 5000 ms', T0 + 4000],
    ]);
    expect(await store.remoteState('grafana', 1)).toEqual({ ref: '1', sentAt: null });
    expect(await store.remoteState('grafana', 2)).toEqual({ ref: null, sentAt: T0 + 4000 });
    expect(await store.remoteState('grafana', 3)).toEqual({ ref: '2', sentAt: null });
    const raw = new Database(path.join(dir.path, DB_FILE), { readonly: true });
    // Upgraded through every migration since (2: sinks, 3: public incidents), in one start.
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'annotation_outbox'").all()).toEqual([]);
    raw.close();

    // Grafana holds what the old version created, in the same order (so the same ids).
    const setup = createAnnotationClient({ url: grafana.url, token: grafana.token });
    const old = async (id: number) => ({ ...annotationBody((await store.get(id))!), text: `INC-${id} as first posted` });
    expect([await setup.create(await old(1)), await setup.create(await old(3)), await setup.create(await old(2))]).toEqual([1, 2, 3]);
    await setup.close();
    const before = grafana.requests().length;

    const client = createAnnotationClient({ url: grafana.url, token: grafana.token, timeoutMs: 2000 });
    const outbox = startOutbox({ store, sinks: [grafanaSink(client, silentLogger)], logger: silentLogger, now: Date.now, baseDelayMs: 20, maxDelayMs: 200 });
    cleanups.push(() => outbox.close());
    await until('migrated rows synced', synced(store), 10_000);
    // INC-2 was due first: found by its tag, then patched; INC-1 patched at its id; INC-3 untouched.
    expect(grafana.requests().slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /api/annotations', 'PATCH /api/annotations/3', 'PATCH /api/annotations/1',
    ]);
    expect(grafana.annotations().map((a) => [a.id, a.text.includes('as first posted')])).toEqual([[1, false], [2, true], [3, false]]);
    expect(grafana.annotations()[0]!.text).toContain('(identified)');
    expect(await store.remoteState('grafana', 2)).toEqual({ ref: '3', sentAt: T0 + 4000 });
    expect(await store.outbox()).toEqual([]);
    expect(grafana.violations()).toEqual([]);
  });
});
