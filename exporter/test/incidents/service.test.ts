import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../src/incidents/events.js';
import { createIncidentService } from '../../src/incidents/service.js';
import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import { incidentSummary } from '../../src/incidents/summary.js';
import type { Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';
import { tempDir } from './support.js';
import { CHAIN, changesBetween, config, manualClock, silentLogger, snapshot } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

function harness(dataDir: string, clock = manualClock()) {
  const store = openIncidentStore({ dataDir, sinks: ['grafana'] });
  const events: IncidentEvent[] = [];
  let kicks = 0;
  const service = createIncidentService({
    store, logger: silentLogger, now: clock.now, config: () => config(CHAIN),
    publish: (e) => events.push(e), onChange: () => { kicks++; },
  });
  let before: Snapshot | undefined;
  let seq = 0;
  const feed = (states: Record<string, State>) => {
    const snap = snapshot(CHAIN, states, { seq: ++seq, at: clock.now() });
    service.onSnapshot(snap, changesBetween(before, snap));
    before = snap;
  };
  return { store, service, events, feed, clock, kicks: () => kicks };
}

describe('incident service', () => {
  it('runs the whole automatic life cycle and announces each change', () => {
    const dir = tempDir('sg-svc-');
    const h = harness(dir.path);
    cleanups.push(() => { h.store.close(); dir.remove(); });
    h.feed({});
    h.feed({ db: 'major_outage' });
    h.clock.advance(1000);
    h.feed({ db: 'major_outage', api: 'major_outage', web: 'major_outage' });
    expect(h.service.openCount()).toBe(1);
    h.clock.advance(1000);
    h.feed({ api: 'major_outage', web: 'major_outage' });
    h.clock.advance(1000);
    h.feed({});
    const [inc] = h.service.list();
    expect(h.service.list()).toHaveLength(1);
    expect(inc).toMatchObject({ rootCause: 'db', status: 'resolved', blastRadius: ['api', 'web'], tookDown: ['api', 'db', 'web'] });
    expect(inc!.resolvedAt! - inc!.startedAt).toBe(3000);
    expect(h.events.map((e) => e.change)).toEqual(['opened', 'updated', 'updated', 'resolved']);
    expect(h.kicks()).toBe(4);
    const timeline = h.service.get(inc!.id)!.timeline.map((e) => `${e.kind}:${e.component ?? ''}:${e.to ?? ''}`);
    expect(timeline).toEqual([
      'opened:db:major_outage', 'state_change:db:major_outage',
      'state_change:api:major_outage', 'state_change:web:major_outage',
      'state_change:db:operational',
      'state_change:api:operational', 'state_change:web:operational',
      'resolved::',
    ]);
  });

  it('after a restart continues the same incident and still resolves it', () => {
    const dir = tempDir('sg-svc-');
    cleanups.push(() => dir.remove());
    const clock = manualClock();
    const first = harness(dir.path, clock);
    first.feed({});
    first.feed({ db: 'major_outage', api: 'major_outage' });
    const id = first.service.list()[0]!.id;
    first.store.close();

    clock.advance(10_000);
    const second = harness(dir.path, clock);
    cleanups.push(() => second.store.close());
    expect(second.service.openCount()).toBe(1);
    // A fresh process sees everything as "entering" its state again.
    second.feed({ db: 'major_outage', api: 'major_outage' });
    expect(second.service.list().map((i) => i.id)).toEqual([id]);
    clock.advance(5000);
    second.feed({});
    const inc = second.service.get(id)!;
    expect(inc.status).toBe('resolved');
    expect(inc.resolvedAt! - inc.startedAt).toBe(15_000);
    expect(second.service.list()).toHaveLength(1);
  });

  it('validates manual incidents against the configured components and computes their blast radius', () => {
    const dir = tempDir('sg-svc-');
    const h = harness(dir.path);
    cleanups.push(() => { h.store.close(); dir.remove(); });
    expect(() => h.service.createManual({ title: 'x', components: ['api', 'nope'], author: 'api' })).toThrow('components.1: unknown component "nope"');
    expect(h.service.list()).toEqual([]);
    const inc = h.service.createManual({ title: 'Slow API', components: ['api'], author: '@carol', text: 'p99 up' });
    expect(inc).toMatchObject({ source: 'manual', rootCause: null, severity: 'major', components: ['api', 'web'], blastRadius: ['web'] });
    // Manual incidents collect state changes of their components too, but never resolve by themselves.
    h.feed({});
    h.feed({ api: 'degraded' });
    h.feed({});
    const after = h.service.get(inc.id)!;
    expect(after.status).toBe('investigating');
    expect(after.timeline.map((e) => e.kind)).toEqual(['opened', 'state_change', 'state_change']);
  });

  it('writes a summary with every timeline entry in order, with authors', () => {
    const dir = tempDir('sg-svc-');
    const h = harness(dir.path);
    cleanups.push(() => { h.store.close(); dir.remove(); });
    h.feed({});
    h.feed({ db: 'major_outage' });
    const id = h.service.list()[0]!.id;
    h.clock.advance(30_000);
    h.service.addUpdate(id, { text: 'Failover started | see #ops', status: 'identified', author: '@dave' });
    h.clock.advance(30_000);
    h.service.addUpdate(id, { text: 'Replica promoted', status: 'monitoring', author: 'api' });
    h.clock.advance(60_000);
    h.feed({});
    const inc = h.service.get(id)!;
    const md = incidentSummary(inc, h.clock.now());
    expect(md).toMatch(/^# INC-1: db: Major outage/);
    expect(md).toContain('**Root cause:** db');
    expect(md).toContain('**Blast radius:** api, web');
    expect(md).toContain(`**Start:** ${new Date(inc.startedAt).toISOString()}`);
    expect(md).toContain(`**End:** ${new Date(inc.resolvedAt!).toISOString()}`);
    expect(md).toContain('**Duration:** 2m');
    let from = md.indexOf('## Timeline');
    for (const e of inc.timeline) {
      const line = `\`${new Date(e.at).toISOString()}\` **${e.author}**`;
      const at = md.indexOf(line, from + 1);
      expect(at, `timeline entry "${e.text}" missing or out of order`).toBeGreaterThan(from);
      const mdLine = md.slice(at, md.indexOf('\n', at)).replace(/\\(.)/g, '$1');
      expect(mdLine).toContain(e.text);
      from = at;
    }
    expect(inc.timeline).toHaveLength(6);
    expect(md).toContain('**@dave** [identified]: Failover started \\| see #ops');
  });
});
