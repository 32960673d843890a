import { describe, expect, it } from 'vitest';
import { expandPageComponent, pageComponent, type ComponentView, type PageComponentView } from '../src/index.js';

const probe = (over: Partial<ComponentView['probes'][number]> = {}): ComponentView['probes'][number] => ({
  name: 'http', kind: 'http', success: true, durationSeconds: 0.012, baselineSeconds: 0.01, error: null, degraded: null, note: null,
  inconclusive: false, maintenance: false, checkedAt: '2026-11-30T10:00:01.000Z', info: { status_code: 200 }, measurements: [], ...over,
});

const component = (over: Partial<ComponentView> = {}): ComponentView => ({
  name: 'orders', displayName: 'Orders', tier: 'service', environment: 'production', runbook: null, state: 'operational', stateValue: 0,
  since: '2026-11-30T09:00:00.000Z', reason: null, maintenance: false, underMaintenance: false, maintenanceWindow: null, planned: false,
  plannedRootCauses: [], checked: true, impacted: false, rootCauses: [], impactedBy: [], affected: false, affectedBy: [],
  dependsOn: ['postgresql-primary'], dependencies: [{ name: 'postgresql-primary', strength: 'hard', carries: null }], dependents: ['frontend'],
  probes: [probe()], slo: null, ...over,
});

/** What the page reads of a full component: the page view's fields, nothing else. */
function pick(c: ComponentView): PageComponentView {
  const { stateValue: _s, impactedBy: _i, dependents: _d, probes, ...rest } = c;
  return { ...rest, probes: probes.map(({ baselineSeconds: _b, degraded: _g, note: _n, maintenance: _m, info: _f, measurements: _x, ...p }) => p) };
}

describe('the page view of the components', () => {
  it('leaves out the fields the page does not read and the empty ones', () => {
    expect(pageComponent(component())).toEqual({
      name: 'orders', displayName: 'Orders', tier: 'service', environment: 'production', state: 'operational', since: '2026-11-30T09:00:00.000Z',
      checked: true, dependsOn: ['postgresql-primary'], dependencies: [{ name: 'postgresql-primary', strength: 'hard', carries: null }],
      probes: [{ name: 'http', kind: 'http', success: true, durationSeconds: 0.012, checkedAt: '2026-11-30T10:00:01.000Z' }],
    });
  });

  it('gives the page back every field it reads, empty or not', () => {
    const window = { id: 'pg', title: 'Upgrade', startsAt: '2026-11-30T09:00:00.000Z', endsAt: '2026-11-30T10:00:00.000Z' };
    const cases = [
      component(),
      component({ checked: false, dependsOn: [], dependencies: [], probes: [] }),
      component({ state: 'major_outage', reason: 'refused', impacted: true, rootCauses: ['postgresql-primary'], runbook: 'https://wiki/x', probes: [probe({ success: false, error: 'refused', inconclusive: true })] }),
      component({ underMaintenance: true, maintenanceWindow: window, planned: true, plannedRootCauses: ['postgresql-primary'], affected: true, affectedBy: [{ rootCause: 'redis', carries: [] }], slo: { objective: 99.9, windowDays: 30 } }),
    ];
    for (const c of cases) expect(expandPageComponent(JSON.parse(JSON.stringify(pageComponent(c))))).toEqual(pick(c));
  });
});
