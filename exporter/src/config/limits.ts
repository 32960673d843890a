import fs from 'node:fs';

/*
 * Bounds on config input, so that checking any file is linear in its size and finishes fast.
 * Figures: examples/reference.yml is 4 KB; the 10,000-component benchmark config is 1.1 MB and
 * loads in ~0.4 s with a ~25 MB transient; a wrong file is re-read with `yaml` for positions,
 * ~100 MB per MB of YAML (bench/README.md, "Peak RSS"), so 4 MiB bounds that path at ~0.4 GB and
 * ~2 s (bench/config-load.ts). A larger file is refused before it is read.
 */

/** Largest config file: 4 MiB, ~36,000 components in the benchmark's shape. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Largest `${file:...}` read: a token list or a PEM chain is a few KB. */
export const MAX_REFERENCED_FILE_BYTES = 64 * 1024;
/** Longest string value, after substitution: the same bound as a referenced file. */
export const MAX_STRING_LENGTH = 64 * 1024;
/** Deepest nesting of mappings and lists: a config needs 6; `yaml` overflows the stack at ~780. */
export const MAX_DEPTH = 64;
/**
 * Aliases: `yaml`'s own measure (references to an anchor times the aliases inside it) must stay at
 * or under this; 100 is its default, which refuses alias bombs before they expand.
 */
export const MAX_ALIAS_COUNT = 100;

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'path too long',
};

/** A read failure in words (with the code, for searching): "no such file (ENOENT)". */
export function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === undefined) return (e as Error).message ?? String(e);
  return REASONS[code] ? `${REASONS[code]} (${code})` : code;
}

/** Thrown by readBounded with a message fit for "cannot read X: <message>". */
export class ReadError extends Error {}

/**
 * Reads a regular file as UTF-8, at most `max` bytes. Devices, FIFOs, sockets and directories are
 * refused without reading (`/dev/zero` grew the process to 4 GB, `/dev/stdin` blocked; issue 14):
 * the file is opened non-blocking, checked with fstat, and read no further than `max` + 1 bytes
 * even if it grows meanwhile.
 */
export function readBounded(file: string, max: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new ReadError(readFailure(e));
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new ReadError(REASONS.EISDIR!);
    if (!st.isFile()) throw new ReadError('not a regular file (a device, FIFO or socket)');
    if (st.size > max) throw new ReadError(`too large: ${formatBytes(st.size)}, the limit is ${formatBytes(max)}`);
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = fs.readSync(fd, buf, n, buf.length - n, n);
    if (n > max) throw new ReadError(`too large: over the limit of ${formatBytes(max)}`);
    return buf.toString('utf8', 0, n);
  } catch (e) {
    throw e instanceof ReadError ? e : new ReadError(readFailure(e));
  } finally {
    fs.closeSync(fd);
  }
}
