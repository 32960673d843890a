/** Keys whose values are secrets wherever they appear in the config. */
const SECRET_KEYS = new Set(['token', 'tokens', 'signing_secret', 'webhook_url', 'password', 'secret', 'dsn']);

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key);
}

/**
 * The secret parts of a string: a password inside a URL (scheme://user:pass@host) or a libpq
 * key=value DSN (password=...). Whole values of secret keys are added by the loader.
 */
export function embeddedSecrets(value: string): string[] {
  const found: string[] = [];
  for (const password of urlPasswords(value)) {
    found.push(password);
    try { found.push(decodeURIComponent(password)); } catch { /* not encoded */ }
  }
  for (const m of value.matchAll(/(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi)) {
    found.push(m[1]!.replace(/^'|'$/g, ''));
  }
  return found;
}

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;
const SPACE = /\s/;

/**
 * The passwords of `scheme://user:password@` in `text`: what the regex
 * /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/gi captures, found in one pass. That regex is
 * quadratic on a long run of letters (each letter is a scheme start that scans the run to its end):
 * a 120,000-character display_name took 8.7 s to load (issue 14). Here every character is read a
 * bounded number of times: scheme runs before distinct "://" are disjoint, and the user and
 * password scans stop at the next "://".
 */
function urlPasswords(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  // A match starts after the previous one ends, as with a global regex.
  let matchEnd = 0;
  for (let sep = text.indexOf('://', from); sep >= 0; sep = text.indexOf('://', from)) {
    from = sep + 1;
    // The scheme: a run of scheme characters ending at the separator, holding a letter to start from.
    let start = sep;
    let letter = false;
    while (start > matchEnd && SCHEME_CHAR.test(text[start - 1]!)) {
      start -= 1;
      if (LETTER.test(text[start]!)) letter = true;
    }
    if (!letter) continue;
    let i = sep + 3;
    while (i < text.length && !'/:@'.includes(text[i]!) && !SPACE.test(text[i]!)) i += 1;
    if (text[i] !== ':') continue;
    const pw = i + 1;
    i = pw;
    while (i < text.length && !'@/'.includes(text[i]!) && !SPACE.test(text[i]!)) i += 1;
    if (i === pw || text[i] !== '@') continue;
    out.push(text.slice(pw, i));
    from = matchEnd = i + 1;
  }
  return out;
}
/**
 * Replaces every secret occurrence by "<redacted>". Short values are skipped: redacting "1" or
 * "abc" everywhere would corrupt unrelated output and protect nothing.
 */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const list = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  const re = new RegExp(list.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(re, '<redacted>');
}
