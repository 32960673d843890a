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

  it('parses publish: a first publication with --title, an update without it', () => {
    expect(parseSlackCommand('publish INC-3 --title "Checkout trouble" --page public --impact minor --component checkout --component web Some payments fail.')).toEqual({
      kind: 'publish', id: 3, title: 'Checkout trouble', page: 'public', impact: 'minor', components: ['checkout', 'web'], text: 'Some payments fail.',
    });
    expect(parseSlackCommand('publish 3 --status resolved Payments work again.')).toEqual({ kind: 'publish', id: 3, status: 'resolved', components: [], text: 'Payments work again.' });
    expect(parseSlackCommand('publish INC-3 --title x')).toMatchObject({ kind: 'error', message: expect.stringContaining('usage') });
    expect(parseSlackCommand('publish nope text')).toMatchObject({ kind: 'error', message: expect.stringContaining('usage') });
    expect(parseSlackCommand('publish 3 --audience all text')).toEqual({ kind: 'error', message: 'unknown option --audience' });
    expect(HELP_TEXT).toContain('/incident publish <id> --title');
  });

  it('help shows --component as required, as validation has it', () => {
    expect(createIncidentBody.safeParse({ title: 'x', components: [] }).success).toBe(false);
    expect(HELP_TEXT).toContain('`/incident create <title> --component NAME [--component NAME ...] [--severity critical|major|minor]`');
  });
});
