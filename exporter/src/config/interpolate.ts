import { MAX_REFERENCED_FILE_BYTES, readBounded } from './limits.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a `${file:...}` reference: regular files only, at most MAX_REFERENCED_FILE_BYTES. */
const readReferenced = (p: string) => readBounded(p, MAX_REFERENCED_FILE_BYTES);

/**
 * Replaces `${NAME}` by the environment variable and `${file:/path}` by the file's contents (one
 * trailing newline removed, as secret files usually end with one). `$${` escapes a literal `${`.
 * Throws with a message naming the reference when it cannot be resolved.
 *
 * A single left-to-right scan: the regex it replaces (`\$?\$\{([^}]*)\}`) rescanned to the end of
 * the text from every unclosed `${`, quadratic in a value of many of them.
 */
export function interpolate(text: string, env: Env, readFile: (p: string) => string = readReferenced): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('${', from); at !== -1; at = text.indexOf('${', from)) {
    const close = text.indexOf('}', at + 2);
    if (close === -1) break; // no reference can close after this one either
    const escaped = at > from && text[at - 1] === '$';
    out += text.slice(from, escaped ? at - 1 : at);
    from = close + 1;
    if (escaped) {
      out += text.slice(at, close + 1);
      continue;
    }
    out += resolve(text.slice(at + 2, close), env, readFile);
  }
  return out + text.slice(from);
}

function resolve(ref: string, env: Env, readFile: (p: string) => string): string {
  if (ref.startsWith('file:')) {
    const p = ref.slice(5);
    try {
      return readFile(p).replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`cannot read \${file:${p}}: ${(e as Error).message}`);
    }
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref)) throw new Error(`invalid reference \${${ref}}`);
  const e = env[ref];
  if (e === undefined) throw new Error(`environment variable ${ref} is not set`);
  return e;
}
