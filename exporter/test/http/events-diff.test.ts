/*
 * The stream sends the whole picture once, then only what changed; a client that comes back with
 * the version it holds (Last-Event-ID, as EventSource does, or ?since=) gets what it missed as one
 * diff, and a version it cannot be answered for (another process, too old) gets a full snapshot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ZERO_COUNTS } from '../../src/engine/attribution.js';
import { createEventHub, type EventHub } from '../../src/http/events.js';
import type { ComponentStatus, Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';
import { until } from '../incidents/support.js';

function comp(name: string, state: State = 'operational'): ComponentStatus {
  return Object.freeze({
    name, tier: 'service', displayName: name, environment: 'production', dependsOn: [], dependencies: [], incidentsOpenAt: 'major_outage', state, since: 0,
    maintenance: false, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [], dependents: [], checked: true, stateChanges: 0, counts: ZERO_COUNTS,
    probes: [],
  }) as ComponentStatus;
}

function snap(seq: number, components: readonly ComponentStatus[]): Snapshot {
  return { seq, at: 1_000 * seq, components, byName: new Map(components.map((c) => [c.name, c])), cycleDurationSeconds: 0, cyclesCompleted: 1 };
}

interface Frame { id?: string; event: string; data: any }

describe('SSE diffs and resync', () => {
  let server: http.Server | undefined;
  let hub: EventHub | undefined;
  const open: http.ClientRequest[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) r.destroy();
    hub?.close();
    if (server) { server.closeAllConnections(); await new Promise((r) => server!.close(r)); }
  });

  async function start(over: { maxBufferedBytes?: number; maxRemovals?: number } = {}) {
    hub = createEventHub({
      epoch: 'e1', minSnapshotIntervalMs: 0, heartbeatMs: 60_000, ...over,
      serializeSnapshot: (s) => ({ seq: s.seq, components: s.components.map((c) => ({ name: c.name, state: c.state })) }),
      serializeComponent: (c) => ({ name: c.name, state: c.state }),
    });
    server = http.createServer(express().get('/events', hub.handler));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  }

  /** Opens a stream; frames are collected as they arrive. */
  async function connect(opts: { lastEventId?: string; query?: string; paused?: boolean } = {}) {
    const frames: Frame[] = [];
    let ended = false;
    let response: http.IncomingMessage | undefined;
    const before = hub!.clientCount();
    const req = http.get({
      host: '127.0.0.1', port: (server!.address() as AddressInfo).port, path: `/events${opts.query ?? ''}`,
      headers: opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {},
    }, (res) => {
      response = res;
      if (opts.paused) res.pause();
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (d: string) => {
        buf += d;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          const id = /^id: (.*)$/m.exec(block)?.[1];
          if (event && data) frames.push({ ...(id ? { id } : {}), event, data: JSON.parse(data) });
        }
      });
      res.on('end', () => { ended = true; });
    });
    open.push(req);
    await until('client connected', () => hub!.clientCount() > before);
    return { frames, ended: () => ended, close: () => req.destroy(), resume: () => response?.resume() };
  }

  const names = (f: Frame) => (f.data.components as { name: string }[]).map((c) => c.name).sort();

  it('sends the whole picture once, then only the components that changed', async () => {
    await start();
    const a = comp('a');
    const b = comp('b');
    const c = comp('c');
    hub!.publishSnapshot(snap(1, [a, b, c]));
    const s = await connect();
    await until('snapshot', () => s.frames[0]);
    expect(s.frames[0]).toMatchObject({ id: 'e1.1', event: 'snapshot', data: { seq: 1, version: 'e1.1' } });
    expect(names(s.frames[0]!)).toEqual(['a', 'b', 'c']);

    hub!.publishSnapshot(snap(2, [a, comp('b', 'major_outage'), c]));
    await until('diff', () => s.frames[1]);
    expect(s.frames[1]).toMatchObject({ id: 'e1.2', event: 'diff', data: { seq: 2, version: 'e1.2', since: 'e1.1', removed: [], components: [{ name: 'b', state: 'major_outage' }] } });
    expect(names(s.frames[1]!)).toEqual(['b']);
  });

  it('answers Last-Event-ID and ?since= with what changed since, a foreign or too old version with a full snapshot', async () => {
    await start({ maxRemovals: 1 });
    const [a, b, c] = [comp('a'), comp('b'), comp('c')];
    hub!.publishSnapshot(snap(1, [a, b, c]));
    // Another viewer stays connected meanwhile and gets each change as a diff.
    const other = await connect();
    await until('snapshot', () => other.frames[0]);
    // Missed by a viewer who left at e1.1: b and then c changed.
    const b2 = comp('b', 'degraded');
    hub!.publishSnapshot(snap(2, [a, b2, c]));
    hub!.publishSnapshot(snap(3, [a, b2, comp('c', 'partial_outage')]));

    await until('the other viewer got both', () => other.frames.length === 3);
    expect(other.frames.slice(1).map(names)).toEqual([['b'], ['c']]);
    const back = await connect({ lastEventId: 'e1.1' });
    await until('resync', () => back.frames[0]);
    expect(back.frames[0]).toMatchObject({ id: 'e1.3', event: 'diff', data: { since: 'e1.1', version: 'e1.3' } });
    expect(names(back.frames[0]!)).toEqual(['b', 'c']);
    const byQuery = await connect({ query: '?since=e1.2' });
    await until('resync by query', () => byQuery.frames[0]);
    expect(names(byQuery.frames[0]!)).toEqual(['c']);
    const upToDate = await connect({ query: '?since=e1.3' });
    await until('empty resync', () => upToDate.frames[0]);
    expect(upToDate.frames[0]).toMatchObject({ event: 'diff', data: { components: [], removed: [] } });

    // Another process's version (a restart in between) or garbage: the whole picture.
    for (const v of ['e0.2', 'nonsense']) {
      const foreign = await connect({ lastEventId: v });
      await until('full snapshot', () => foreign.frames[0]);
      expect(foreign.frames[0]).toMatchObject({ event: 'snapshot', id: 'e1.3' });
    }

    // A reload removes a, then b: removals are part of the diff while remembered (1 here).
    const c3 = comp('c', 'partial_outage');
    hub!.publishSnapshot(snap(4, [b2, c3]));
    hub!.publishSnapshot(snap(5, [c3]));
    const recent = await connect({ lastEventId: 'e1.4' });
    await until('diff with removal', () => recent.frames[0]);
    expect(recent.frames[0]).toMatchObject({ event: 'diff', data: { removed: ['b'], components: [] } });
    const old = await connect({ lastEventId: 'e1.3' });
    await until('too old', () => old.frames[0]);
    expect(old.frames[0]).toMatchObject({ event: 'snapshot', id: 'e1.5' });
    expect(names(old.frames[0]!)).toEqual(['c']);
  });

  it('answers a version read before anyone connected (the page reads /api/v1/components first)', async () => {
    await start();
    const a = comp('a');
    hub!.publishSnapshot(snap(1, [a, comp('b'), comp('c')]));
    const b2 = comp('b', 'degraded');
    hub!.publishSnapshot(snap(2, [a, b2, comp('c')]));
    hub!.publishSnapshot(snap(3, [a, b2, comp('c', 'major_outage')]));
    const page = await connect({ query: `?since=${hub!.versionOf(snap(2, []))}` });
    await until('diff', () => page.frames[0]);
    expect(page.frames[0]).toMatchObject({ event: 'diff', data: { since: 'e1.2', version: 'e1.3' } });
    expect(names(page.frames[0]!)).toEqual(['c']);
  });

  it('drops a client that falls behind; it comes back with its version and gets what it missed', async () => {
    // Each diff carries ~200 KB; a client that does not read fills the loopback buffers (a few MB)
    // and then the server's 1 MB allowance, long before the 40 MB below are written.
    hub = undefined;
    await start({ maxBufferedBytes: 1_000_000 });
    hub!.close();
    hub = createEventHub({
      epoch: 'e1', minSnapshotIntervalMs: 0, heartbeatMs: 60_000, maxBufferedBytes: 1_000_000,
      serializeSnapshot: (s) => ({ seq: s.seq, components: s.components.map((c) => ({ name: c.name, state: c.state })) }),
      serializeComponent: (c) => ({ name: c.name, state: c.state, pad: c.name === 'big' ? 'x'.repeat(200_000) : '' }),
    });
    server!.removeAllListeners('request');
    server!.on('request', express().get('/events', hub.handler));
    const quiet = comp('quiet');
    hub.publishSnapshot(snap(1, [quiet, comp('big')]));
    const slow = await connect({ paused: true });
    let seq = 1;
    while (hub.clientCount() > 0 && seq < 200) hub.publishSnapshot(snap(++seq, [quiet, comp('big')]));
    expect(hub.clientCount()).toBe(0);
    const changedQuiet = comp('quiet', 'major_outage');
    hub.publishSnapshot(snap(++seq, [changedQuiet, comp('big')]));
    slow.resume();
    await until('the dropped stream ends', () => slow.ended(), 20_000);
    const last = slow.frames[slow.frames.length - 1]!;
    expect(last.id).not.toBe(`e1.${seq}`);
    const back = await connect({ lastEventId: last.id! });
    await until('resync', () => back.frames[0]);
    expect(back.frames[0]).toMatchObject({ event: 'diff', data: { since: last.id, version: `e1.${seq}` } });
    expect(names(back.frames[0]!)).toEqual(['big', 'quiet']);
    expect(back.frames[0]!.data.components.find((c: { name: string }) => c.name === 'quiet').state).toBe('major_outage');
  });
});
