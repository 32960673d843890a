import fs from 'node:fs';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Replaces `${NAME}` by the environment variable and `${file:/path}` by the file's contents (one
 * trailing newline removed, as secret files usually end with one). `$${` escapes a literal `${`.
 * Throws with a message naming the reference when it cannot be resolved.
 */
export function interpolate(text: string, env: Env, readFile: (p: string) => string = (p) => fs.readFileSync(p, 'utf8')): string {
  return text.replace(/\$?\$\{([^}]*)\}/g, (whole, ref: string) => {
    if (whole.startsWith('$$')) return whole.slice(1);
    if (ref.startsWith('file:')) {
      const p = ref.slice(5);
      try {
        return readFile(p).replace(/\r?\n$/, '');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new Error(`cannot read \${file:${p}}: ${code}`);
      }
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref)) throw new Error(`invalid reference \${${ref}}`);
    const e = env[ref];
    if (e === undefined) throw new Error(`environment variable ${ref} is not set`);
    return e;
  });
}

