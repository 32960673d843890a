/**
 * The login cookie of the status page. It carries the token itself (the API accepts it like a
 * bearer token), so it is HttpOnly, SameSite=Strict and scoped to the whole site; Secure when the
 * page is served over https.
 */
import { TOKEN_COOKIE } from '../http/auth.js';

export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

export function loginCookie(token: string, secure: boolean): string {
  return [
    `${TOKEN_COOKIE}=${encodeURIComponent(token)}`,
    'HttpOnly',
    'SameSite=Strict',
    'Path=/',
    `Max-Age=${SESSION_MAX_AGE_SECONDS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function logoutCookie(secure: boolean): string {
  return [`${TOKEN_COOKIE}=`, 'HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ');
}

/**
 * Whether a form post comes from this site. Browsers send Origin on POST; a different origin is
 * a cross-site form (login CSRF). Requests without Origin (curl, old browsers) pass, since
 * SameSite=Strict already keeps the cookie out of cross-site requests.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Header the page's scripts send on every write; a cross-site form cannot set it. */
export const WRITE_HEADER = 'x-statusgraph-request';
