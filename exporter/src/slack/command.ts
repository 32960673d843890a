/*
 * `/incident ...` text to a command (pure). Words are split on whitespace; double quotes group words.
 */
import { parseLooseId } from '../incidents/ids.js';
import { parsePublish, PUBLISH_HELP, type PublishCommand } from './publish-command.js';
import { takeOptions, words } from './words.js';

export type SlackCommand =
  | { readonly kind: 'create'; readonly title: string; readonly components: readonly string[]; readonly severity?: string }
  | { readonly kind: 'update'; readonly id: number; readonly text: string; readonly status?: string }
  | { readonly kind: 'resolve'; readonly id: number; readonly text?: string }
  | PublishCommand
  | { readonly kind: 'list' }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const HELP_TEXT = [
  '*/incident* commands:',
  // --component is required (an incident names at least one component): outside the brackets.
  '• `/incident create <title> --component NAME [--component NAME ...] [--severity critical|major|minor]` opens a manual incident',
  '• `/incident update <id> [--status investigating|identified|monitoring] <text>` adds an update',
  '• `/incident resolve <id> [text]` resolves it',
  PUBLISH_HELP,
  '• `/incident list` shows the open incidents',
  '• `/incident help` shows this',
  '• `/incident maintenance help`: maintenance windows (start now for 30m, list, cancel)',
].join('\n');

export function parseSlackCommand(text: string): SlackCommand {
  const ws = words(text.trim());
  const sub = (ws.shift() ?? 'help').toLowerCase();
  switch (sub) {
    case 'help':
      return { kind: 'help' };
    case 'publish':
      return parsePublish(ws);
    case 'list':
      return ws.length ? { kind: 'error', message: '`list` takes no arguments' } : { kind: 'list' };
    case 'create': {
      const parsed = takeOptions(ws, ['component', 'severity']);
      if (typeof parsed === 'string') return { kind: 'error', message: parsed };
      const title = parsed.rest.join(' ').trim();
      if (!title) return { kind: 'error', message: 'usage: `/incident create <title> [--component NAME ...]`' };
      const severity = parsed.opts.get('severity')?.at(-1);
      return { kind: 'create', title, components: parsed.opts.get('component') ?? [], ...(severity ? { severity } : {}) };
    }
    case 'update': {
      const parsed = takeOptions(ws, ['status']);
      if (typeof parsed === 'string') return { kind: 'error', message: parsed };
      const [idText, ...rest] = parsed.rest;
      const id = idText === undefined ? undefined : parseLooseId(idText);
      const body = rest.join(' ').trim();
      if (id === undefined || !body) return { kind: 'error', message: 'usage: `/incident update <id> <text>`' };
      const status = parsed.opts.get('status')?.at(-1);
      return { kind: 'update', id, text: body, ...(status ? { status } : {}) };
    }
    case 'resolve': {
      const [idText, ...rest] = ws;
      const id = idText === undefined ? undefined : parseLooseId(idText);
      if (id === undefined) return { kind: 'error', message: 'usage: `/incident resolve <id> [text]`' };
      const body = rest.join(' ').trim();
      return { kind: 'resolve', id, ...(body ? { text: body } : {}) };
    }
    default:
      return { kind: 'error', message: `unknown subcommand \`${sub}\`; try \`/incident help\`` };
  }
}
