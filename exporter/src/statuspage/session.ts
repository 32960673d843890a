/**
 * The sign-in cookie of the status page. It carries a session id (http/sessions.ts), not the
 * token, and is HttpOnly, SameSite=Strict and scoped to the whole site; Secure when the page is
 * served over https.
 */
import { SESSION_COOKIE } from '../http/auth.js';
import { SESSION_MAX_AGE_MS } from '../http/sessions.js';

export const SESSION_MAX_AGE_SECONDS = SESSION_MAX_AGE_MS / 1_000;

/**
 * Earlier builds kept the raw token in a cookie of this name; sign-in and sign-out expire it so
 * that no browser keeps a token after the upgrade.
 */
const LEGACY_TOKEN_COOKIE = 'statusgraph_token';

const attributes = (secure: boolean, maxAge: number) =>
  ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${maxAge}`, ...(secure ? ['Secure'] : [])];

export function loginCookies(sessionId: string, secure: boolean): string[] {
  return [
    [`${SESSION_COOKIE}=${encodeURIComponent(sessionId)}`, ...attributes(secure, SESSION_MAX_AGE_SECONDS)].join('; '),
    [`${LEGACY_TOKEN_COOKIE}=`, ...attributes(secure, 0)].join('; '),
  ];
}

export function logoutCookies(secure: boolean): string[] {
  return [SESSION_COOKIE, LEGACY_TOKEN_COOKIE].map((name) => [`${name}=`, ...attributes(secure, 0)].join('; '));
}
