/** Keys whose values are secrets wherever they appear in the config (compared case-insensitively). */
const SECRET_KEYS = new Set(['token', 'tokens', 'signing_secret', 'webhook_url', 'bot_token', 'password', 'secret', 'dsn', 'authorization']);

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

const isSchemeChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;

/**
 * The password of every `scheme://user:pass@` in the value. A hand-written scan, linear in the
 * value's length: the regex it replaces (`[a-z][a-z0-9+.-]*:\/\/...`) retried its scheme part from
 * every letter, which made a 120,000-character display_name take 8.7 s and 1 MB over 120 s
 * (issue 14). Each `://` is looked at once; the scans back (scheme) and forward (userinfo) stop at
 * characters that `://` itself contains, so no character is visited more than twice or thrice.
 */
function urlPasswords(value: string, found: string[]): void {
  let from = 0;
  for (let at = value.indexOf('://', from); at !== -1; at = value.indexOf('://', from)) {
    from = at + 3;
    let s = at;
    while (s > 0 && isSchemeChar(value.charCodeAt(s - 1))) s--;
    while (s < at && !isLetter(value.charCodeAt(s))) s++;
    if (s === at) continue;
    let i = at + 3;
    // user: anything but / whitespace : @
    for (let c = value.charCodeAt(i); i < value.length && c !== 47 && c !== 58 && c !== 64 && !isSpace(c); c = value.charCodeAt(++i));
    if (value.charCodeAt(i) !== 58) continue;
    const start = ++i;
    // password: anything but @ / whitespace
    for (let c = value.charCodeAt(i); i < value.length && c !== 47 && c !== 64 && !isSpace(c); c = value.charCodeAt(++i));
    if (i === start || value.charCodeAt(i) !== 64) continue;
    const pass = value.slice(start, i);
    found.push(pass);
    try { found.push(decodeURIComponent(pass)); } catch { /* not encoded */ }
    from = i + 1;
  }
}

/** The value of every libpq `password=...` (quoted or not) that starts the value or follows a space; linear. */
function dsnPasswords(value: string, found: string[]): void {
  const lower = value.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf('password', from); at !== -1; at = lower.indexOf('password', from)) {
    from = at + 8;
    if (at > 0 && !isSpace(value.charCodeAt(at - 1))) continue;
    let i = at + 8;
    while (isSpace(value.charCodeAt(i))) i++;
    if (value[i] !== '=') continue;
    i++;
    while (isSpace(value.charCodeAt(i))) i++;
    if (i >= value.length) continue;
    let end = i;
    if (value[i] === "'") {
      end = i + 1;
      while (end < value.length && value[end] !== "'") end += value[end] === '\\' ? 2 : 1;
      if (end < value.length) {
        found.push(value.slice(i + 1, end));
        from = end + 1;
        continue;
      }
      end = i; // no closing quote: the unquoted form below
    }
    while (end < value.length && !isSpace(value.charCodeAt(end))) end++;
    found.push(value.slice(i, end).replace(/^'|'$/g, ''));
    from = end;
  }
}

/**
 * The secret parts of a string: a password inside a URL (scheme://user:pass@host) or a libpq
 * key=value DSN (password=...). Whole values of secret keys are added by the loader.
 */
export function embeddedSecrets(value: string): string[] {
  const found: string[] = [];
  urlPasswords(value, found);
  dsnPasswords(value, found);
  return found;
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
