/*
 * `/incident ...` text to a command (pure). Words are split on whitespace; double quotes group words.
 */
import { parseLooseId } from '../incidents/ids.js';

export type SlackCommand =
  | { readonly kind: 'create'; readonly title: string; readonly components: readonly string[]; readonly severity?: string }
  | { readonly kind: 'update'; readonly id: number; readonly text: string; readonly status?: string }
  | { readonly kind: 'resolve'; readonly id: number; readonly text?: string }
  | { readonly kind: 'list' }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const HELP_TEXT = [
  '*/incident* commands:',
  // --component is required (an incident names at least one component): outside the brackets.
  '• `/incident create <title> --component NAME [--component NAME ...] [--severity critical|major|minor]` opens a manual incident',
  '• `/incident update <id> [--status investigating|identified|monitoring] <text>` adds an update',
  '• `/incident resolve <id> [text]` resolves it',
  '• `/incident list` shows the open incidents',
  '• `/incident help` shows this',
  '• `/incident maintenance help`: maintenance windows (start now for 30m, list, cancel)',
].join('\n');

function words(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2]!);
  return out;
}

/** Removes `--name VALUE` options (repeatable) from a word list. */
function takeOptions(ws: string[], allowed: readonly string[]): { rest: string[]; opts: Map<string, string[]> } | string {
  const rest: string[] = [];
  const opts = new Map<string, string[]>();
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (!w.startsWith('--')) {
      rest.push(w);
      continue;
    }
    const name = w.slice(2);
    if (!allowed.includes(name)) return `unknown option --${name}`;
    const value = ws[i + 1];
    if (value === undefined || value.startsWith('--')) return `--${name} needs a value`;
    opts.set(name, [...(opts.get(name) ?? []), value]);
    i++;
  }
  return { rest, opts };
}

export function parseSlackCommand(text: string): SlackCommand {
  const ws = words(text.trim());
  const sub = (ws.shift() ?? 'help').toLowerCase();
  switch (sub) {
    case 'help':
      return { kind: 'help' };
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
