import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Config } from '../../src/config/types.js';
import { createMaintenance, type Maintenance } from '../../src/maintenance/service.js';
import { openMaintenanceStore } from '../../src/maintenance/sqlite/store.js';
import { isMaintenanceCommand, parseMaintenanceCommand, runMaintenanceCommand } from '../../src/slack/maintenance-command.js';
import { config as baseConfig } from '../incidents/fixtures.js';
import { tempDir } from '../incidents/support.js';

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);

describe('/incident maintenance: parsing', () => {
  it('reads start, list, cancel and help, and names what is wrong', () => {
    expect(isMaintenanceCommand('maintenance start db --for 30m')).toBe(true);
    expect(isMaintenanceCommand('create maintenance of db')).toBe(false);
    expect(parseMaintenanceCommand('maintenance start postgresql-primary orders --for 30m --title "PG 17 upgrade" --recover-after 3'))
      .toEqual({ kind: 'start', components: ['postgresql-primary', 'orders'], duration: '30m', title: 'PG 17 upgrade', recoverAfter: '3' });
    expect(parseMaintenanceCommand('maintenance list')).toEqual({ kind: 'list' });
    expect(parseMaintenanceCommand('maintenance')).toEqual({ kind: 'help' });
    expect(parseMaintenanceCommand('maintenance cancel mw-0123456789ab')).toEqual({ kind: 'cancel', id: 'mw-0123456789ab' });
    expect(parseMaintenanceCommand('maintenance start db')).toEqual({ kind: 'error', message: 'usage: `/incident maintenance start <component> ... --for 30m`' });
    expect(parseMaintenanceCommand('maintenance start db --for')).toEqual({ kind: 'error', message: '--for needs a value' });
    expect(parseMaintenanceCommand('maintenance start db --colour red --for 5m')).toEqual({ kind: 'error', message: 'unknown option --colour' });
    expect(parseMaintenanceCommand('maintenance pause db')).toEqual({ kind: 'error', message: 'unknown subcommand `maintenance pause`; try `/incident maintenance help`' });
  });
});

describe('/incident maintenance: running', () => {
  const open: { m: Maintenance; remove(): void }[] = [];
  afterEach(async () => { for (const o of open.splice(0)) { await o.m.close(); o.remove(); } });
  async function service() {
    const dir = tempDir('sg-slack-maint-');
    const cfg: Config = { ...baseConfig({ db: [], api: ['db'] }), maintenance: { maxDurationMs: 4 * 3_600_000, windows: [] } };
    const m = await createMaintenance({ store: openMaintenanceStore({ dataDir: dir.path }), logger: pino({ level: 'silent' }), now: () => T0, config: () => cfg, onChange: () => undefined });
    open.push({ m, remove: dir.remove });
    return m;
  }

  it('starts a window now, lists it and cancels it, in the channel', async () => {
    const m = await service();
    const started = await runMaintenanceCommand(m, 'maintenance start db --for 30m --title "DB upgrade" --recover-after 2', 'alice');
    expect(started.response_type).toBe('in_channel');
    expect(started.text).toMatch(/^:construction: Maintenance \*mw-[0-9a-f]{12}\* started by @alice: DB upgrade until 2026-11-30T02:30:00.000Z \(ends early once healthy for 2 rounds\)\. Alerts and incidents caused by db are held back\.$/);
    const id = /\*(mw-[0-9a-f]+)\*/.exec(started.text)![1]!;
    expect(m.cover().get('db')?.id).toBe(id);
    const list = await runMaintenanceCommand(m, 'maintenance list', 'bob');
    expect(list).toMatchObject({ response_type: 'ephemeral' });
    expect(list.text).toContain(`• *${id}* [active] DB upgrade: 2026-11-30T02:00:00.000Z to 2026-11-30T02:30:00.000Z (db)`);
    const cancelled = await runMaintenanceCommand(m, `maintenance cancel ${id}`, 'bob');
    expect(cancelled.text).toBe(`:white_check_mark: Maintenance *${id}* (DB upgrade) cancelled by @bob.`);
    expect(m.cover().size).toBe(0);
  });

  it('answers bad input to the caller only, and starts nothing', async () => {
    const m = await service();
    for (const [text, answer] of [
      ['maintenance start nope --for 30m', ':warning: components: unknown component nope'],
      ['maintenance start db --for 9h', ':warning: duration: lasts 540 minutes, longer than maintenance.max_duration (240 minutes)'],
      ['maintenance start db --for soon', ':warning: duration: must be a duration like 30m or 1h30m'],
      ['maintenance start db --for 5m --recover-after two', ':warning: recover_after: Invalid input: expected number, received string'],
      ['maintenance cancel mw-000000000000', ':warning: no maintenance window mw-000000000000'],
    ] as const) {
      const r = await runMaintenanceCommand(m, text, 'alice');
      expect(r).toMatchObject({ response_type: 'ephemeral', text: answer });
    }
    expect(m.list()).toEqual([]);
  });
});
