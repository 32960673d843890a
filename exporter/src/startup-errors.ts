/*
 * Start-up failures of `run` and `demo` as one line each (issue 14, item 7): which part of the
 * start failed (the listen address, data_dir, a database) and why, in words, never a stack trace.
 */

/** A start-up step that failed; its message is the one line the CLI prints. */
export class StartupError extends Error {
  constructor(readonly what: string, override readonly cause: unknown) {
    super(`${what}: ${explain(cause, what)}`.replace(/\s*\n\s*/g, ' '));
  }
}

const ERRNO_WORDS: Record<string, string> = {
  EADDRINUSE: 'already in use; pick another address with --listen or listen:',
  EADDRNOTAVAIL: 'not an address of this machine',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (DNS lookup failed)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory (its parent cannot hold a directory)',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'exists and is not a directory',
  ENOSPC: 'no space left on the device',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_NOTADB: 'the file is not an SQLite database',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_FULL: 'no space left on the device',
};

function explain(err: unknown, what = ''): string {
  if (err instanceof StartupError) return explain(err.cause, err.what);
  const e = err as { code?: unknown; message?: unknown; path?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const words = code ? ERRNO_WORDS[code] : undefined;
  const where = typeof e?.path === 'string' && !what.endsWith(e.path) ? ` (${e.path})` : '';
  if (words) return `${words}${where} [${code}]`;
  return typeof e?.message === 'string' ? e.message : String(err);
}

/** Runs one start-up step, naming it in the error when it fails. */
export async function startupStep<T>(what: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw err instanceof StartupError ? err : new StartupError(what, err);
  }
}

/** The one line the CLI prints for a failed start, whatever was thrown. */
export function startupFailureLine(command: string, err: unknown): string {
  const msg = err instanceof StartupError ? err.message : `cannot start: ${explain(err)}`;
  return `statusgraph ${command}: ${msg.replace(/\s*\n\s*/g, ' ')}`;
}
