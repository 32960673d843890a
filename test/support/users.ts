import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Servers that refuse to run as root (PostgreSQL) run as an unprivileged system user when the tests
 * run as root; otherwise as whoever runs the tests.
 */
export interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

export function unprivilegedUser(name: string): RunAs {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`tests run as root, but there is no user "${name}" to run the server as (install the Debian package, which creates it)`);
  }
}

/** Creates `dir` (and parents below an existing one) owned by the given user. */
export function mkdirOwned(dir: string, as: RunAs, mode = 0o700): string {
  fs.mkdirSync(dir, { recursive: true, mode });
  fs.chmodSync(dir, mode);
  if (as.uid !== undefined && as.gid !== undefined) fs.chownSync(dir, as.uid, as.gid);
  return dir;
}

/** Writes a file owned by the given user. */
export function writeOwned(file: string, content: string, as: RunAs, mode = 0o600): void {
  fs.writeFileSync(file, content, { mode });
  if (as.uid !== undefined && as.gid !== undefined) fs.chownSync(file, as.uid, as.gid);
}
