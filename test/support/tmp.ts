import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary directory; `remove()` deletes it. Mode 0755 so an unprivileged server user can use it. */
export function tempDir(prefix = 'statusgraph-'): { path: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return { path: dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
