import { describe, expect, it } from 'vitest';
import { HELP_TEXT, parseSlackCommand } from '../../src/slack/command.js';
import { createIncidentBody } from '../../src/incidents/validation.js';

describe('slash command parsing', () => {
  it('parses create with a multi-word title and repeated components', () => {
    expect(parseSlackCommand('create Checkout is failing --component orders --component "payments" --severity critical')).toEqual({
      kind: 'create', title: 'Checkout is failing', components: ['orders', 'payments'], severity: 'critical',
    });
    expect(parseSlackCommand('create DNS trouble')).toEqual({ kind: 'create', title: 'DNS trouble', components: [] });
  });

  it('parses update, resolve, list and help', () => {
    expect(parseSlackCommand('update INC-4 failover done, watching')).toEqual({ kind: 'update', id: 4, text: 'failover done, watching' });
    expect(parseSlackCommand('update 4 --status monitoring back up')).toEqual({ kind: 'update', id: 4, text: 'back up', status: 'monitoring' });
    expect(parseSlackCommand('resolve inc-12')).toEqual({ kind: 'resolve', id: 12 });
    expect(parseSlackCommand('resolve INC-12 root cause fixed')).toEqual({ kind: 'resolve', id: 12, text: 'root cause fixed' });
    expect(parseSlackCommand('list')).toEqual({ kind: 'list' });
    expect(parseSlackCommand('  ')).toEqual({ kind: 'help' });
    expect(parseSlackCommand('HELP')).toEqual({ kind: 'help' });
  });

  it('explains what is wrong with bad input', () => {
    expect(parseSlackCommand('create')).toMatchObject({ kind: 'error', message: expect.stringContaining('usage') });
    expect(parseSlackCommand('create x --component')).toEqual({ kind: 'error', message: '--component needs a value' });
    expect(parseSlackCommand('create x --colour red')).toEqual({ kind: 'error', message: 'unknown option --colour' });
    expect(parseSlackCommand('update INC-x text')).toMatchObject({ kind: 'error' });
    expect(parseSlackCommand('update INC-3')).toMatchObject({ kind: 'error' });
    expect(parseSlackCommand('resolve')).toMatchObject({ kind: 'error' });
    expect(parseSlackCommand('reboot')).toMatchObject({ kind: 'error', message: expect.stringContaining('reboot') });
  });

  it('help shows --component as required, as validation has it', () => {
    expect(createIncidentBody.safeParse({ title: 'x', components: [] }).success).toBe(false);
    expect(HELP_TEXT).toContain('`/incident create <title> --component NAME [--component NAME ...] [--severity critical|major|minor]`');
  });
});
