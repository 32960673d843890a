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
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/gi)) {
    found.push(m[1]!);
    try { found.push(decodeURIComponent(m[1]!)); } catch { /* not encoded */ }
  }
  for (const m of value.matchAll(/(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi)) {
    found.push(m[1]!.replace(/^'|'$/g, ''));
  }
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
