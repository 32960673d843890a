/*
 * A Grafana region annotation per maintenance window occurrence (issue 19), against the strict
 * Grafana stand-in: created when the window begins, its end patched when it ends early, retried
 * after a failure, and posted once even when Grafana's answer to the POST is lost.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MaintenanceWindowView } from '@statusgraph/core';
import { createAnnotationClient } from '../../exporter/src/grafana/client.js';
import { startWindowAnnotations, type WindowAnnotations } from '../../exporter/src/grafana/window-annotations.js';
import { openMaintenanceStore } from '../../exporter/src/maintenance/sqlite/store.js';
import type { MaintenanceStore } from '../../exporter/src/maintenance/store.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafana.js';
import { tempDir } from '../support/tmp.js';

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
const view = (over: Partial<MaintenanceWindowView> = {}): MaintenanceWindowView => ({
  id: 'pg-upgrade', title: 'Database upgrade', description: null, components: ['orders', 'postgresql-primary'], source: 'config', kind: 'once',
  startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 1_800_000).toISOString(), recoverAfter: 3, status: 'active', endedAt: null, author: null, ...over,
});

describe('maintenance windows as Grafana annotations', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f(); });

  async function setup(opts: { timeoutMs?: number } = {}) {
    const grafana: GrafanaStandIn = await startGrafanaStandIn();
    const dir = tempDir('sg-maint-annot-');
    let store: MaintenanceStore = openMaintenanceStore({ dataDir: dir.path });
    const clock = { t: T0 };
    const start = () => startWindowAnnotations({
      store, client: createAnnotationClient({ url: grafana.url, token: grafana.token, timeoutMs: opts.timeoutMs ?? 2_000 }),
      now: () => clock.t, logger: pino({ level: 'silent' }), baseDelayMs: 1_000, pollMs: 3_600_000,
    });
    let worker: WindowAnnotations = start();
    cleanup.push(() => grafana.close(), () => dir.remove(), () => store.close(), () => worker.close());
    /** A restart: the worker and the store closed and opened again on the same data. */
    const restart = async () => {
      await worker.close();
      await store.close();
      store = openMaintenanceStore({ dataDir: dir.path });
      worker = start();
    };
    return { grafana, clock, worker: () => worker, restart };
  }

  it('creates one region annotation when the window begins and patches its end when it ends early', async () => {
    const { grafana, clock, worker } = await setup();
    await worker().queue(view());
    await worker().drain();
    expect(grafana.annotations()).toEqual([expect.objectContaining({
      time: T0, timeEnd: T0 + 1_800_000, dashboardUID: null,
      tags: ['maintenance', `maintenance:pg-upgrade@${new Date(T0).toISOString()}`, 'window:pg-upgrade', 'component:orders', 'component:postgresql-primary'],
      text: 'Maintenance: Database upgrade. Components: orders, postgresql-primary.',
    })]);
    clock.t = T0 + 600_000;
    await worker().queue(view({ status: 'ended', endedAt: new Date(T0 + 600_000).toISOString() }));
    await worker().drain();
    expect(grafana.annotations()).toEqual([expect.objectContaining({ time: T0, timeEnd: T0 + 600_000, text: 'Maintenance: Database upgrade (ended early: healthy again). Components: orders, postgresql-primary.' })]);
    expect(grafana.violations()).toEqual([]);
  });

  it('retries after a failure, with backoff', async () => {
    const { grafana, clock, worker } = await setup();
    grafana.failNext(1, 503);
    await worker().queue(view());
    await worker().drain();
    expect(grafana.annotations()).toEqual([]);
    clock.t += 999;
    await worker().drain();
    expect(grafana.annotations()).toEqual([]);
    clock.t += 1;
    await worker().drain();
    expect(grafana.annotations()).toHaveLength(1);
  });

  it('posts once when the answer to the POST is lost, across a restart', async () => {
    const { grafana, clock, worker, restart } = await setup({ timeoutMs: 300 });
    grafana.hangNextPosts(1);
    await worker().queue(view());
    await worker().drain();
    // Grafana has it, statusgraph does not know its id.
    expect(grafana.annotations()).toHaveLength(1);
    await restart();
    clock.t += 5_000;
    await worker().drain();
    clock.t += 600_000;
    await worker().queue(view({ status: 'cancelled', endedAt: new Date(clock.t).toISOString() }));
    await worker().drain();
    expect(grafana.annotations()).toEqual([expect.objectContaining({ timeEnd: clock.t, text: 'Maintenance: Database upgrade (cancelled). Components: orders, postgresql-primary.' })]);
    expect(grafana.requests().filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
