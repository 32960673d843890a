import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { occurrenceAt, occurrencesBetween } from '../../src/config/windows.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { issuesOf as issuesOfConfig } from './support.js';

const NOW = Date.parse('2026-11-30T08:00:00Z');
const parse = (text: string) => parseConfig(text, 'sg.yml', { env: {}, probeKinds: PROBE_KINDS, now: () => NOW });

const issuesOf = (text: string): string[] => issuesOfConfig(parse, text);

const COMPONENTS = `components:
  - name: postgresql-primary
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
  - name: orders
    tier: service
    depends_on: [postgresql-primary]
    probes: [{ kind: tcp, address: "127.0.0.1:2" }]
`;
const cfg = (maintenance: string) => `${COMPONENTS}maintenance:\n${maintenance}`;

describe('config: maintenance windows', () => {
  it('reads one-off and recurring windows into frozen typed windows', () => {
    const c = parse(cfg(`  max_duration: 2h
  windows:
    - id: pg-upgrade
      title: PostgreSQL 17 upgrade
      components: [postgresql-primary, orders, orders]
      start: 2026-12-01T02:00:00Z
      end: 2026-12-01T02:30:00+00:00
      recover_after: 3
    - id: vacuum
      title: Weekly vacuum
      components: [postgresql-primary]
      cron: "0 3 * * 0"
      duration: 30m
      timezone: Europe/Berlin
`));
    expect(c.maintenance!.maxDurationMs).toBe(2 * 3_600_000);
    const [once, weekly] = c.maintenance!.windows;
    expect(once).toEqual({
      id: 'pg-upgrade', title: 'PostgreSQL 17 upgrade', components: ['orders', 'postgresql-primary'], recoverAfter: 3,
      schedule: { kind: 'once', startMs: Date.parse('2026-12-01T02:00:00Z'), endMs: Date.parse('2026-12-01T02:30:00Z') },
    });
    expect(weekly!.schedule).toEqual({ kind: 'cron', cron: '0 3 * * 0', durationMs: 1_800_000, timezone: 'Europe/Berlin' });
    expect(Object.isFrozen(weekly!.components)).toBe(true);
    // 03:00 in Berlin on Sunday 6 December is 02:00 UTC.
    expect(occurrenceAt(weekly!.schedule, Date.parse('2026-12-06T02:10:00Z'))).toEqual({ startMs: Date.parse('2026-12-06T02:00:00Z'), endMs: Date.parse('2026-12-06T02:30:00Z') });
    expect(occurrenceAt(weekly!.schedule, Date.parse('2026-12-06T02:30:00Z'))).toBeUndefined();
    expect(occurrencesBetween(weekly!.schedule, NOW, NOW + 14 * 86_400_000, 10).map((o) => new Date(o.startMs).toISOString()))
      .toEqual(['2026-12-06T02:00:00.000Z', '2026-12-13T02:00:00.000Z']);
  });

  it('defaults to no windows and a 24 h maximum', () => {
    expect(parse(COMPONENTS).maintenance).toEqual({ maxDurationMs: 86_400_000, windows: [] });
  });

  it('names FILE:LINE:COL for an unknown component, end before start, a window too long and a cron that never fires', () => {
    const issues = issuesOf(cfg(`  max_duration: 1h
  windows:
    - id: a
      title: A
      components: [postgresql-primary, nope]
      start: 2026-12-01T02:00:00Z
      end: 2026-12-01T02:30:00Z
    - id: b
      title: B
      components: [orders]
      start: 2026-12-01T02:00:00Z
      end: 2026-12-01T01:00:00Z
    - id: c
      title: C
      components: [orders]
      start: 2026-12-02T02:00:00Z
      end: 2026-12-02T05:00:00Z
    - id: d
      title: D
      components: [orders]
      cron: "0 0 30 2 *"
      duration: 10m
`));
    expect(issues).toEqual([
      'sg.yml:14:40: maintenance.windows.0.components.1: unknown component "nope"',
      'sg.yml:21:12: maintenance.windows.1.end: end is before (or at) start',
      'sg.yml:26:12: maintenance.windows.2.end: lasts 180 minutes, longer than maintenance.max_duration (60 minutes)',
      'sg.yml:30:13: maintenance.windows.3.cron: cron "0 0 30 2 *" never fires within a year',
    ]);
  });

  it('refuses two windows on one component at once, and a recurring window longer than its period', () => {
    const issues = issuesOf(cfg(`  windows:
    - id: nightly
      title: Nightly
      components: [postgresql-primary]
      cron: "0 2 * * *"
      duration: 1h
    - id: upgrade
      title: Upgrade
      components: [orders, postgresql-primary]
      start: 2026-12-03T02:30:00Z
      end: 2026-12-03T04:00:00Z
    - id: hourly
      title: Hourly
      components: [orders]
      cron: "0 * * * *"
      duration: 90m
`));
    expect(issues).toEqual([
      'sg.yml:16:7: maintenance.windows.1: overlaps maintenance.windows.0 ("nightly") on postgresql-primary at 2026-12-03T02:30:00.000Z',
      'sg.yml:24:13: maintenance.windows.2.cron: duration is longer than the 60 minutes between two starts of "0 * * * *" (occurrences would overlap)',
    ]);
  });

  it('on a reload, refuses a window over a run-time one that is in force or to come, and only that', () => {
    const runTime = (id: string, components: string[], startMs: number, endMs: number) =>
      ({ id, title: `Ad hoc ${id}`, components, schedule: { kind: 'once' as const, startMs, endMs } });
    const text = cfg(`  windows:
    - id: nightly
      title: Nightly
      components: [postgresql-primary]
      cron: "0 2 * * *"
      duration: 1h
    - id: upgrade
      title: Upgrade
      components: [orders]
      start: 2026-12-03T02:30:00Z
      end: 2026-12-03T04:00:00Z
`);
    const reload = (windows: ReturnType<typeof runTime>[]) => issuesOfConfig((t) => parseConfig(t, 'sg.yml', { env: {}, probeKinds: PROBE_KINDS, now: () => NOW, runTimeWindows: windows }), text);
    expect(reload([
      runTime('mw-a', ['postgresql-primary'], Date.parse('2026-12-01T02:30:00Z'), Date.parse('2026-12-01T03:30:00Z')),
      runTime('mw-b', ['payments'], Date.parse('2026-12-03T03:00:00Z'), Date.parse('2026-12-03T03:10:00Z')),
      runTime('mw-c', ['orders'], Date.parse('2026-12-03T04:00:00Z'), Date.parse('2026-12-03T05:00:00Z')),
    ])).toEqual([
      'sg.yml:11:7: maintenance.windows.0: overlaps the run-time maintenance window mw-a ("Ad hoc mw-a") on postgresql-primary at 2026-12-01T02:30:00.000Z: cancel it (POST /api/v1/maintenance/mw-a/cancel) or move this one',
    ]);
    // At start (no run-time windows given) the same config loads.
    expect(parse(text).maintenance?.windows.map((w) => w.id)).toEqual(['nightly', 'upgrade']);
  });

  it('refuses a bad cron, a zone that does not exist, both forms at once, and a half one-off', () => {
    const issues = issuesOf(cfg(`  windows:
    - { id: a, title: A, components: [orders], cron: "61 * * * *", duration: 5m }
    - { id: b, title: B, components: [orders], cron: "0 4 * * *", duration: 5m, timezone: Mars/Olympus }
    - { id: c, title: C, components: [orders], cron: "0 5 * * *", duration: 5m, start: 2026-12-01T02:00:00Z, end: 2026-12-01T03:00:00Z }
    - { id: d, title: D, components: [orders], start: 2026-12-01T06:00:00Z }
`));
    expect(issues.map((i) => i.replace(/^sg\.yml:\d+:\d+: /, ''))).toEqual([
      'maintenance.windows.0.cron: cron "61 * * * *": CronPattern: Invalid value for minute: 61',
      'maintenance.windows.1.timezone: unknown time zone',
      'maintenance.windows.2.cron: either start/end (one-off) or cron/duration (recurring), not both',
      'maintenance.windows.3.start: a one-off window needs both start and end',
    ]);
  });
});
