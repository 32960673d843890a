import { describe, expect, it } from 'vitest';
import { computeEffects, edgeEffect, STATES } from '@statusgraph/core';
import {
  budgetLeft,
  addSample, addToDay, affectedLine, edgeStyle, availabilityOf, daySlots, headline, orderIncidents, sparkline, timelineNewestFirst, upsertIncident,
  type ComponentView, type DayRow, type IncidentView, type Series,
} from '../../static/src/model.js';

const comp = (name: string, over: Partial<ComponentView> = {}): ComponentView => ({
  name, displayName: name, tier: 'service', state: 'operational', since: '2026-11-21T00:00:00Z', reason: null,
  maintenance: false, impacted: false, rootCauses: [], dependsOn: [], ...over,
});

const inc = (id: string, startedAt: string, resolvedAt: string | null): IncidentView => ({
  id, title: id, source: 'auto', status: resolvedAt ? 'resolved' : 'investigating', severity: 'major', rootCause: null,
  components: [], blastRadius: [], startedAt, resolvedAt, durationSeconds: null, updatedAt: startedAt,
});

describe('page model', () => {
  it('headline names the root cause and counts the impacted', () => {
    const h = headline([
      comp('db', { tier: 'infrastructure', state: 'major_outage' }),
      comp('orders', { state: 'major_outage', impacted: true, rootCauses: ['db'] }),
      comp('auth', { impacted: true, rootCauses: ['db'] }),
      comp('worker'),
    ]);
    expect(h.state).toBe('major_outage');
    expect(h.roots).toEqual(['db']);
    expect(h.text).toBe('2 of 4 components with issues · root cause: db · 2 impacted downstream');
    expect(headline([comp('a'), comp('b')]).text).toBe('All systems operational');
  });

  it('orders incidents open first, then by recency; upsert keeps a loaded timeline', () => {
    const list = [inc('INC-1', '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z'), inc('INC-2', '2026-11-02T00:00:00Z', null),
      inc('INC-3', '2026-11-03T00:00:00Z', '2026-11-03T00:10:00Z'), inc('INC-4', '2026-11-04T00:00:00Z', null)];
    expect(orderIncidents(list).map((i) => i.id)).toEqual(['INC-4', 'INC-2', 'INC-3', 'INC-1']);
    const withTimeline = upsertIncident(list, { ...list[1]!, timeline: [{ at: 'x', kind: 'opened', author: 'a', text: 't' }] });
    const updated = upsertIncident(withTimeline, { ...list[1]!, status: 'identified' });
    expect(updated.find((i) => i.id === 'INC-2')).toMatchObject({ status: 'identified', timeline: [{ text: 't' }] });
    expect(upsertIncident(list, inc('INC-9', '2026-11-09T00:00:00Z', null))[0]!.id).toBe('INC-9');
  });

  it('fills 90 day slots with no-data days and the worst state of each day', () => {
    const end = Date.UTC(2026, 10, 21, 12);
    const rows: DayRow[] = [['2026-11-20', 100, 90, 0, 0, 10], ['2026-11-21', 50, 40, 10, 0, 0]];
    const slots = daySlots(rows, end, 90);
    expect(slots).toHaveLength(90);
    expect(slots[89]).toEqual({ day: '2026-11-21', worst: 'degraded', availability: 1, planned: 0 });
    expect(slots[88]).toEqual({ day: '2026-11-20', worst: 'major_outage', availability: 0.9, planned: 0 });
    expect(slots[0]).toEqual({ day: '2026-08-24', worst: null, availability: null, planned: 0 });
    expect(availabilityOf(rows)).toBeCloseTo(140 / 150);
  });

  it('extends today with live time in the state shown', () => {
    const at = Date.UTC(2026, 10, 21, 12);
    const rows = addToDay([['2026-11-21', 10, 10, 0, 0, 0]], at, 'major_outage', 5);
    expect(rows).toEqual([['2026-11-21', 15, 10, 0, 0, 5]]);
    expect(addToDay([], at, 'operational', 2)).toEqual([['2026-11-21', 2, 2, 0, 0, 0]]);
  });

  it('adds live samples to the latency series, averaging within a bucket and dropping repeats', () => {
    const s: Series = { widthMs: 1000, buckets: [], counts: new Map(), lastCheckedAt: 0 };
    addSample(s, 10_100, 0.1);
    addSample(s, 10_500, 0.3);
    addSample(s, 10_500, 9); // the same result again: ignored
    addSample(s, 11_200, null);
    expect(s.buckets).toEqual([[10_000, 0.2, 0.3, 0], [11_000, null, null, 1]]);
    addSample(s, 10_000 + 86_400_000 + 5_000, 0.5);
    expect(s.buckets.map((b) => b[0])).toEqual([86_415_000]);
  });

  it('draws a sparkline scaled to its box, with gaps and failure marks', () => {
    const sp = sparkline([[0, 0.1, 0.1, 0], [1000, 0.2, 0.2, 0], [2000, null, null, 2], [3000, 0.2, 0.2, 0]], 30, 10);
    expect(sp.path).toBe('M0.0 5.0L10.0 1.0M30.0 1.0');
    expect(sp.failures).toEqual([20]);
    expect(sp.max).toBe(0.2);
    expect(sp.last).toBe(0.2);
    expect(sparkline([], 30, 10).path).toBe('');
  });

  it('does not draw the line across a time the exporter was not running, and shades it', () => {
    const buckets: [number, number, number, number][] = [[0, 0.1, 0.1, 0], [1000, 0.2, 0.2, 0], [2000, 0.2, 0.2, 0], [3000, 0.1, 0.1, 0]];
    const sp = sparkline(buckets, 30, 10, [[1500, 1900]]);
    expect(sp.path.match(/M/g)).toHaveLength(2);
    expect(sp.gaps).toEqual([[15, 4]]);
    expect(sparkline(buckets, 30, 10).path.match(/M/g)).toHaveLength(1);
  });

  it('shows the timeline newest first, numbered in time order (the newest of three is 3)', () => {
    const e = (at: string, text: string) => ({ at, kind: 'update' as const, author: 'ops', text });
    const shown = timelineNewestFirst([e('2026-11-21T09:00:00Z', 'opened'), e('2026-11-21T09:05:00Z', 'identified'), e('2026-11-21T09:20:00Z', 'resolved')]);
    expect(shown.map(({ n, entry }) => [n, entry.text])).toEqual([[3, 'resolved'], [2, 'identified'], [1, 'opened']]);
  });

  it('budget left over the objective\'s window, from the uptime rows', () => {
    const end = Date.UTC(2026, 10, 30, 12);
    // 30 days observed in full; 43.2 minutes down = the whole budget of 99.9 % over 30 days.
    const day = (d: string, down: number): DayRow => [d, 86_400, 86_400 - down, 0, 0, down];
    const rows: DayRow[] = [day('2026-10-31', 10_000), day('2026-11-01', 1296), ...Array.from({ length: 29 }, (_, i) => day(`2026-11-${String(i + 2).padStart(2, '0')}`, 0))];
    // The row of 2026-10-31 is outside the 30 days ending on 2026-11-30.
    expect(budgetLeft(rows, 99.9, 30, end)).toBeCloseTo(1 - 1296 / 2592, 9);
    expect(budgetLeft(rows, 99.99, 30, end)).toBeLessThan(0);
    expect(budgetLeft([], 99.9, 30, end)).toBeNull();
  });
});

describe('page: edges with meaning (core\'s rule, issue 18)', () => {
  it('draws each edge with core\'s edgeEffect: hard hot on an outage, soft and degraded amber, none never', () => {
    for (const strength of ['hard', 'soft', 'none'] as const) {
      for (const state of STATES) {
        const orders = comp('orders', { dependsOn: ['db'], dependencies: [{ name: 'db', strength, carries: 'reads' }] });
        const { className, title } = edgeStyle(orders, comp('db', { state }))('db');
        const effect = edgeEffect(strength, { state });
        expect(className.includes(' hot'), `${strength} ${state}`).toBe(effect === 'impacted');
        expect(className.includes(' affected'), `${strength} ${state}`).toBe(effect === 'affected');
        expect(className.includes(' soft')).toBe(strength === 'soft');
        expect(title).toBe(`orders → db: reads (${strength})`);
      }
    }
    // What flows downstream of an impacted (not itself failing) component counts too.
    expect(edgeStyle(comp('web', { dependsOn: ['orders'] }), comp('orders', { impacted: true, rootCauses: ['db'] }))('orders').className).toBe('edge hot');
  });

  it('says what a component is affected by, with what its edges carry, from the API\'s computeEffects answer', () => {
    const e = computeEffects(new Map([['orders', [{ name: 'replica', strength: 'hard' as const, carries: 'read-heavy queries' }]], ['replica', []]]), (n) => (n === 'replica' ? 'degraded' : 'operational')).get('orders')!;
    expect(affectedLine(comp('orders', { affected: e.affected, affectedBy: e.affectedBy }))).toBe('Affected by replica (read-heavy queries in orders)');
    expect(affectedLine(comp('orders'))).toBeNull();
  });
});
