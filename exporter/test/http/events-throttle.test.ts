import { ZERO_COUNTS } from '../../src/engine/attribution.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventHub, type EventHub } from '../../src/http/events.js';
import type { ComponentStatus, Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';

function snap(seq: number, state: State, latency: number): Snapshot {
  const c: ComponentStatus = {
    name: 'db', tier: 'infrastructure', displayName: 'db', environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state, since: 0,
    maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS,
    probes: [{ name: 'tcp', kind: 'tcp', success: state === 'operational', durationSeconds: latency, inconclusive: false, maintenance: false, measurements: [], info: undefined, checkedAt: 0 }],
  };
  return { seq, at: seq, components: [c], byName: new Map([['db', c]]), cycleDurationSeconds: 0, cyclesCompleted: 1 };
}

describe('SSE snapshot pacing', () => {
  let server: http.Server | undefined;
  let hub: EventHub | undefined;
  afterEach(async () => {
    hub?.close();
    if (server) { server.closeAllConnections(); await new Promise((r) => server!.close(r)); }
  });

  async function connect(minSnapshotIntervalMs: number) {
    hub = createEventHub({
      minSnapshotIntervalMs,
      serializeSnapshot: (s) => ({ seq: s.seq, components: s.components.map((c) => ({ state: c.state })) }),
      serializeComponent: (c) => ({ state: c.state }),
    });
    const app = express().get('/events', hub.handler);
    server = http.createServer(app);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const frames: { seq: number; state: string; at: number }[] = [];
    const waiters: (() => void)[] = [];
    await new Promise<void>((resolve) => {
      http.get(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/events`, (res) => {
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (d: string) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if ((block.includes('event: snapshot') || block.includes('event: diff')) && data) {
              // The first frame is the whole snapshot, the later ones diffs: both carry seq and the changed component.
              const d = JSON.parse(data.slice(6)) as { seq: number; components: { state: string }[] };
              frames.push({ seq: d.seq, state: d.components[0]!.state, at: Date.now() });
              waiters.splice(0).forEach((w) => w());
            }
          }
        });
        resolve();
      });
    });
    await new Promise<void>((r) => { const t = setInterval(() => { if (hub!.clientCount() === 1) { clearInterval(t); r(); } }, 5); });
    const next = (n: number) => new Promise<void>((r) => {
      const check = () => (frames.length >= n ? r() : waiters.push(check));
      check();
    });
    return { frames, next };
  }

  it('sends a state change at once and coalesces latency-only snapshots to one per interval', async () => {
    const { frames, next } = await connect(300);
    const t0 = Date.now();
    hub!.publishSnapshot(snap(1, 'operational', 0.01));
    await next(1);
    for (let i = 2; i <= 6; i++) hub!.publishSnapshot(snap(i, 'operational', 0.01 * i));
    await next(2);
    // The five latency-only snapshots became one frame, the newest, after the interval.
    expect(frames.map((f) => f.seq)).toEqual([1, 6]);
    expect(frames[1]!.at - t0).toBeGreaterThanOrEqual(290);
    const before = Date.now();
    hub!.publishSnapshot(snap(7, 'major_outage', 0.5));
    await next(3);
    expect(frames[2]).toMatchObject({ seq: 7, state: 'major_outage' });
    expect(Date.now() - before).toBeLessThan(200);
  });
});
