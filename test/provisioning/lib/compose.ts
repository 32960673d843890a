import fs from 'node:fs';
import { parse } from 'yaml';

/** The compose file as Compose reads it: YAML merge keys (`<<: *anchor`) resolved. */
export function loadCompose(file: string): any {
  return parse(fs.readFileSync(file, 'utf8'), { merge: true });
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?error}` references in a compose file's text. */
export function composeVariables(text: string): { name: string; required: boolean }[] {
  const out = new Map<string, boolean>();
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])[^}]*)?\}/g)) {
    const required = m[2] === ':?' || m[2] === '?' || m[2] === undefined;
    out.set(m[1]!, (out.get(m[1]!) ?? false) || required);
  }
  return [...out].map(([name, required]) => ({ name, required }));
}

/** NAME=value lines of an env file, commented-out examples excluded. */
export function envFileNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!));
}

/** Bind mounts `./host:/container[:ro]` of one service, as { host, container }. */
export function bindMounts(service: any): { host: string; container: string }[] {
  return (service.volumes ?? [])
    .filter((v: unknown): v is string => typeof v === 'string' && v.startsWith('./'))
    .map((v: string) => { const [host, container] = v.split(':'); return { host: host!, container: container! }; });
}

/**
 * A compose value with its `${NAME}`, `${NAME:-default}` and `${NAME:?error}` references resolved
 * from `vars` (what Compose does with .env); a required variable that is missing throws.
 */
export function resolveVariables(value: string, vars: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    const v = vars.get(name);
    if (v !== undefined && v !== '') return v;
    if (op === ':-' || op === '-') return arg ?? '';
    throw new Error(`compose variable ${name} is not set${arg ? `: ${arg}` : ''}`);
  });
}

/** NAME=value lines of an env file as a map (commented-out examples excluded). */
export function envFileValues(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^"(.*)"$/, '$1')]));
}
