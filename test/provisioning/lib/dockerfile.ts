/** One instruction of a Dockerfile: keyword, raw arguments, and the JSON (exec) form when used. */
export interface Instruction { keyword: string; args: string; json?: string[]; line: number }
export interface Stage { from: string; name?: string; instructions: Instruction[] }

/**
 * Parses the subset of Dockerfile syntax a plain Dockerfile uses: comments, parser directives,
 * backslash continuations and exec-form JSON arrays. Heredocs are refused rather than misread.
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue; // comments inside a continuation are dropped, as Docker does
      line = line.replace(/\\\s*$/, ' ') + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: cannot parse "${line}"`);
    if (/<<-?\w/.test(m[2]!) && /^(RUN|COPY)$/i.test(m[1]!)) throw new Error(`Dockerfile line ${start + 1}: heredocs are not supported here`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    let json: string[] | undefined;
    if (args.startsWith('[')) {
      try { json = JSON.parse(args) as string[]; } catch { json = undefined; }
    }
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!f) throw new Error(`Dockerfile line ${start + 1}: FROM ${args}`);
      stages.push({ from: f[1]!, name: f[2], instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`Dockerfile line ${start + 1}: ${keyword} before FROM`);
    stages.at(-1)!.instructions.push({ keyword, args, json, line: start + 1 });
  }
  return stages;
}

/** COPY [--from=x] [--chown=..] src... dest, split into its parts. */
export function copyArgs(ins: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = ins.json ?? ins.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  if (paths.length < 2) throw new Error(`Dockerfile line ${ins.line}: COPY needs a source and a destination`);
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}
