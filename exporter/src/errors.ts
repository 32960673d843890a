/*
 * The exporter's one error family. Any layer throws a subclass; the HTTP error middleware
 * (http/errors.ts) answers `{"error": message}` with its `status`, and the CLI prints the message.
 * The message is written for whoever called: it names the fault and never carries a secret (a
 * token, a password, a URL with credentials). Anything that might hold one goes to the log only.
 * Errors that are not StatusgraphErrors are bugs or I/O failures: HTTP answers them 500 "internal
 * error", without details, except a full or read-only disk, which `storageError` names (507/503):
 * the operator can fix that, and "internal error" sent them looking for a bug.
 */
export class StatusgraphError extends Error {
  constructor(message: string, readonly status = 500) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends StatusgraphError {
  constructor(message: string) { super(message, 400); }
}

/** No credential, or a wrong one. `challenge` is the WWW-Authenticate value, when there is a scheme to name. */
export class UnauthorizedError extends StatusgraphError {
  constructor(message: string, readonly challenge?: string) { super(message, 401); }
}

export class ForbiddenError extends StatusgraphError {
  constructor(message: string) { super(message, 403); }
}

export class NotFoundError extends StatusgraphError {
  constructor(message: string) { super(message, 404); }
}

export class ConflictError extends StatusgraphError {
  constructor(message: string) { super(message, 409); }
}

/** A method the resource does not take (the read-only public pages). */
export class MethodNotAllowedError extends StatusgraphError {
  constructor(message: string) { super(message, 405); }
}

export class PayloadTooLargeError extends StatusgraphError {
  constructor(message: string) { super(message, 413); }
}

export class UnsupportedMediaTypeError extends StatusgraphError {
  constructor(message: string) { super(message, 415); }
}

/** The disk (or its quota) is full: the write was refused whole (SQLite rolls the transaction back). */
export class StorageFullError extends StatusgraphError {
  constructor(message: string) { super(message, 507); }
}

/** The storage cannot be written at all (read-only file system or database file). */
export class StorageReadOnlyError extends StatusgraphError {
  constructor(message: string) { super(message, 503); }
}

/** The incident store's server is out of reach (PostgreSQL stopped or restarting, or the network). */
export class StorageUnreachableError extends StatusgraphError {
  constructor(message: string) { super(message, 503); }
}

/** Node's socket errors and PostgreSQL's connection and shutdown classes (08, 57P0x). */
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|08\d{3}|57P0[1-3])$/;
/** `pg`'s own words for a connection that broke or never came, which carry no code. */
const UNREACHABLE_TEXT = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout)/;

/**
 * The StatusgraphError for a write that failed because of the disk, or undefined for any other
 * failure. `what` names what was lost ("the incident"). Codes: SQLite's (better-sqlite3's
 * SqliteError.code, extended codes such as SQLITE_READONLY_DBMOVED included), Node's errno, and
 * PostgreSQL's SQLSTATE for a server that is gone or shutting down (a 503: try again).
 */
export function storageError(err: unknown, what = 'the change'): StatusgraphError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    const text = (err as { message?: unknown } | null)?.message;
    return typeof text === 'string' && UNREACHABLE_TEXT.test(text)
      ? new StorageUnreachableError(`storage unreachable: ${what} could not be saved or read (connection lost); try again`) : undefined;
  }
  if (UNREACHABLE.test(code)) return new StorageUnreachableError(`storage unreachable: ${what} could not be saved or read (${code}); try again`);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageFullError(`storage full: ${what} could not be saved (${code})`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return new StorageReadOnlyError(`storage read-only: ${what} could not be saved (${code})`);
  }
  return undefined;
}
