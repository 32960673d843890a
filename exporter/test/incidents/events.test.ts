import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support.js';
import { CHAIN, snapshot } from './fixtures.js';
import { auth, jsonAuth, startTestApp, type TestApp } from './app.js';

let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });

/** Reads SSE frames from the stream into a list as they arrive. */
async function subscribe(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: auth, signal: controller.signal });
  const frames: Array<{ event: string; data: any }> = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) frames.push({ event, data: JSON.parse(data) });
        }
      }
    } catch { /* aborted */ }
  })();
  return { res, frames, close: () => controller.abort() };
}

describe('GET /api/v1/events', () => {
  it('sends the latest snapshot on connect, then diffs and incident changes as they happen', async () => {
    app.events.publishSnapshot(snapshot(CHAIN, {}, { seq: 1, at: Date.now() }));
    const sub = await subscribe(`${app.url}/api/v1/events`);
    expect(sub.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await until('first snapshot', () => sub.frames.find((f) => f.event === 'snapshot'));
    expect(sub.frames[0]!.data.seq).toBe(1);

    const down = snapshot(CHAIN, { db: 'major_outage' }, { seq: 2, at: Date.now() });
    app.events.publishSnapshot(down);
    app.incidents.onSnapshot(down, [{ component: 'db', from: 'operational', to: 'major_outage', rootCauses: [], at: down.at }]);
    const opened = await until('incident opened event', () => sub.frames.find((f) => f.event === 'incident'));
    expect(opened.data).toMatchObject({ change: 'opened', incident: { rootCause: 'db', blastRadius: ['api', 'web'], status: 'investigating' } });
    expect(opened.data.incident).not.toHaveProperty('timeline');
    expect(sub.frames.filter((f) => f.event === 'snapshot').map((f) => f.data.seq)).toEqual([1]);
    expect(sub.frames.filter((f) => f.event === 'diff').map((f) => f.data.seq)).toEqual([2]);
    expect(sub.frames.find((f) => f.event === 'diff')!.data.components.find((c: { name: string }) => c.name === 'api')).toMatchObject({ impacted: true, rootCauses: ['db'] });

    await fetch(`${app.url}/api/v1/incidents/${opened.data.incident.id}/updates`, { method: 'POST', headers: jsonAuth, body: JSON.stringify({ text: 'on it' }) });
    await until('update event', () => sub.frames.filter((f) => f.event === 'incident').length === 2);
    expect(sub.frames.filter((f) => f.event === 'incident')[1]!.data.change).toBe('updated');
    sub.close();
    await until('client gone', () => app.events.clientCount() === 0);
  });
});
