import { describe, expect, it } from 'vitest';
import { maintenanceClasses, maintenanceLine } from '../../static/src/maintenance.js';

describe('internal page: maintenance windows', () => {
  const win = { id: 'pg-upgrade', title: 'Database upgrade', startsAt: '2026-11-30T02:00:00.000Z', endsAt: '2026-11-30T02:30:00.000Z' };

  it('marks a component under maintenance with its window', () => {
    const c = { underMaintenance: true, maintenanceWindow: win, planned: true, plannedRootCauses: [] };
    expect(maintenanceClasses(c)).toBe(' maintenance planned');
    expect(maintenanceLine(c)).toBe('Under maintenance: Database upgrade until 02:30 UTC');
  });

  it('marks planned impact apart from an outage, and nothing without a window', () => {
    expect(maintenanceClasses({ planned: true, plannedRootCauses: ['postgresql-primary'] })).toBe(' planned');
    expect(maintenanceLine({ planned: true, plannedRootCauses: ['postgresql-primary'] })).toBe('Planned: postgresql-primary under maintenance');
    // A planned root cause next to an unplanned one: a normal outage, no planned line.
    expect(maintenanceLine({ planned: false, plannedRootCauses: ['postgresql-primary'] })).toBeNull();
    expect(maintenanceClasses({})).toBe('');
    expect(maintenanceLine({})).toBeNull();
  });
});

describe('internal page: the "start maintenance now" form body', () => {
  it('is the API body of "start now for N minutes", a blank title left to the server', async () => {
    const { maintenanceBody } = await import('../../static/src/maintenance.js');
    expect(maintenanceBody(['postgresql-primary'], 30, '  ')).toEqual({ components: ['postgresql-primary'], duration: '30m' });
    expect(maintenanceBody(['a', 'b'], 90, ' Upgrade ')).toEqual({ components: ['a', 'b'], duration: '90m', title: 'Upgrade' });
  });
});
