/*
 * `/incident maintenance ...` (issue 19): ad hoc maintenance windows from Slack. Apart from
 * command.ts and handler.ts (the incident subcommands): parsed and run here, with the same checks
 * as the API (maintenance/validation.ts), every failure an ephemeral reply naming it.
 */
import { StatusgraphError } from '../errors.js';
import type { Maintenance } from '../maintenance/service.js';
import { createWindowBody } from '../maintenance/validation.js';
import { parseBody } from '../incidents/validation.js';
import { escapeSlack, section } from '../slack-api/mrkdwn.js';
import type { SlackReply } from './handler.js';

export const MAINTENANCE_HELP = [
  '*/incident maintenance* commands:',
  '• `/incident maintenance start <component> [<component> ...] --for 30m [--title "..."] [--recover-after N]` starts a window now (N: end it once everything in it has been healthy for N rounds)',
  '• `/incident maintenance list` shows active and upcoming windows',
  '• `/incident maintenance cancel <id>` ends an ad hoc window now',
].join('\n');

const reply = (response_type: SlackReply['response_type'], text: string): SlackReply => ({ response_type, text, blocks: [section(text)] });

/** Whether a command text is a maintenance subcommand (its first word). */
export function isMaintenanceCommand(text: string): boolean {
  return /^\s*maintenance(\s|$)/i.test(text);
}

type Parsed =
  | { readonly kind: 'start'; readonly components: string[]; readonly duration?: string; readonly title?: string; readonly recoverAfter?: string }
  | { readonly kind: 'list' | 'help' }
  | { readonly kind: 'cancel'; readonly id: string }
  | { readonly kind: 'error'; readonly message: string };

const OPTIONS = { '--for': 'duration', '--title': 'title', '--recover-after': 'recoverAfter' } as const;

/** The words after `maintenance`; double quotes group words. Pure. */
export function parseMaintenanceCommand(text: string): Parsed {
  const ws = [...text.trim().matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1);
  const sub = (ws.shift() ?? 'help').toLowerCase();
  if (sub === 'help' || sub === 'list') return ws.length ? { kind: 'error', message: `\`${sub}\` takes no arguments` } : { kind: sub };
  if (sub === 'cancel') return ws.length === 1 ? { kind: 'cancel', id: ws[0]! } : { kind: 'error', message: 'usage: `/incident maintenance cancel <id>`' };
  if (sub !== 'start') return { kind: 'error', message: `unknown subcommand \`maintenance ${sub}\`; try \`/incident maintenance help\`` };
  const components: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (!w.startsWith('--')) { components.push(w); continue; }
    const key = OPTIONS[w as keyof typeof OPTIONS];
    if (!key) return { kind: 'error', message: `unknown option ${w}` };
    const value = ws[++i];
    if (value === undefined) return { kind: 'error', message: `${w} needs a value` };
    opts[key] = value;
  }
  if (!opts.duration) return { kind: 'error', message: 'usage: `/incident maintenance start <component> ... --for 30m`' };
  return { kind: 'start', components, ...opts };
}

/** Runs one verified maintenance subcommand. */
export async function runMaintenanceCommand(maintenance: Maintenance, text: string, user: string): Promise<SlackReply> {
  const cmd = parseMaintenanceCommand(text);
  const author = `@${user}`;
  try {
    switch (cmd.kind) {
      case 'help':
        return reply('ephemeral', MAINTENANCE_HELP);
      case 'error':
        return reply('ephemeral', `:warning: ${escapeSlack(cmd.message)}`);
      case 'list': {
        const list = maintenance.list().filter((w) => w.status === 'active' || w.status === 'upcoming');
        if (!list.length) return reply('ephemeral', 'No active or upcoming maintenance windows.');
        return reply('ephemeral', `Maintenance windows (${list.length}):\n${list.slice(0, 20).map((w) => `• *${escapeSlack(w.id)}* [${w.status}] ${escapeSlack(w.title)}: ${w.startsAt} to ${w.endsAt} (${escapeSlack(w.components.join(', '))})`).join('\n')}`);
      }
      case 'start': {
        const recover = cmd.recoverAfter === undefined ? undefined : Number(cmd.recoverAfter);
        const body = parseBody(createWindowBody, {
          components: cmd.components, duration: cmd.duration, ...(cmd.title ? { title: cmd.title } : {}),
          ...(recover !== undefined ? { recover_after: Number.isInteger(recover) ? recover : cmd.recoverAfter } : {}),
        }, 'command');
        const w = await maintenance.create(body, author);
        return reply('in_channel', `:construction: Maintenance *${escapeSlack(w.id)}* started by ${escapeSlack(author)}: ${escapeSlack(w.title)} until ${w.endsAt}${w.recoverAfter ? ` (ends early once healthy for ${w.recoverAfter} rounds)` : ''}. Alerts and incidents caused by ${escapeSlack(w.components.join(', '))} are held back.`);
      }
      case 'cancel': {
        const w = await maintenance.cancel(cmd.id, author);
        return reply('in_channel', `:white_check_mark: Maintenance *${escapeSlack(w.id)}* (${escapeSlack(w.title)}) cancelled by ${escapeSlack(author)}.`);
      }
    }
  } catch (e) {
    if (e instanceof StatusgraphError && e.status < 500) return reply('ephemeral', `:warning: ${escapeSlack(e.message)}`);
    throw e;
  }
}
