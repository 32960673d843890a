import { describe, expect, it } from 'vitest';
import { annotationBody } from '../../src/grafana/annotation.js';
import { backoffDelay } from '../../src/incidents/outbox.js';
import type { Incident } from '../../src/incidents/types.js';

const T0 = Date.UTC(2026, 10, 21, 7, 0, 0);
const open: Incident = {
  id: 12, title: 'db: Major outage', source: 'auto', rootCause: 'db', severity: 'critical', status: 'investigating',
  components: ['api', 'db', 'web'], blastRadius: ['api', 'web'], tookDown: ['db'], startedAt: T0, resolvedAt: null, updatedAt: T0,
};

describe('incident annotations', () => {
  it('is an organization annotation starting at the incident start, tagged per DESIGN.md', () => {
    const body = annotationBody(open);
    expect(body).toEqual({
      time: T0,
      tags: ['incident', 'incident:INC-12', 'component:api', 'component:db', 'component:web', 'severity:critical'],
      text: expect.stringContaining('INC-12'),
    });
    expect(body).not.toHaveProperty('dashboardUID');
    expect(body).not.toHaveProperty('timeEnd');
  });

  it('becomes a region ending at the resolution', () => {
    const body = annotationBody({ ...open, status: 'resolved', resolvedAt: T0 + 90_000 });
    expect(body.timeEnd).toBe(T0 + 90_000);
    expect(body.text).toContain('(resolved)');
  });

  it('backs off exponentially up to the cap, with bounded jitter', () => {
    expect([0, 1, 2, 3, 10, 40].map((a) => backoffDelay(a, 1000, 60_000))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
    expect(backoffDelay(2, 1000, 60_000, 0.2, () => 0)).toBe(3200);
    expect(backoffDelay(2, 1000, 60_000, 0.2, () => 1)).toBe(4800);
  });
});
