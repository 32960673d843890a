/* `/incident ...` text as words and `--name VALUE` options (pure), shared by every subcommand's parser. */

/** Words split on whitespace; double quotes group words. */
export function words(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2]!);
  return out;
}

/** Removes `--name VALUE` options (repeatable) from a word list; a string says what is wrong. */
export function takeOptions(ws: string[], allowed: readonly string[]): { rest: string[]; opts: Map<string, string[]> } | string {
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
