/*
 * Sign-in sessions of the status page. The cookie holds a random id, never the API token: a
 * stolen cookie dies with its session (12 h, or sign-out), and the token never sits in a browser.
 *
 * Sessions live in memory: a restart signs everyone out, which costs one sign-in and keeps no
 * credential-equivalent on disk. A session remembers only the SHA-256 of the token it was opened
 * with, so removing that token from auth.tokens (and reloading) ends its sessions too.
 */
import crypto from 'node:crypto';

export const SESSION_MAX_AGE_MS = 12 * 3_600_000;
/** 10,000 sessions are ~1.5 MB; a team signs in a few dozen times a day. */
const MAX_SESSIONS = 10_000;

interface Session {
  readonly tokenDigest: Buffer;
  readonly expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number, private readonly maxAgeMs = SESSION_MAX_AGE_MS) {}

  /** Opens a session for a token already checked; returns the id for the cookie. */
  create(tokenDigest: Buffer): string {
    this.sweep();
    // Map order is insertion order: the first entry is the oldest session.
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = crypto.randomBytes(32).toString('base64url');
    this.sessions.set(id, { tokenDigest, expiresAt: this.now() + this.maxAgeMs });
    return id;
  }

  /** The digest of the token behind a live session, or undefined. */
  tokenDigest(id: string): Buffer | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s.tokenDigest;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
