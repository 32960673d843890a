/*
 * Files under data_dir hold incidents, their authors and timelines, and the outbox of Grafana
 * calls: nobody but the service's user should read them. The directory is created 0700 and each
 * SQLite database 0600 before SQLite opens it; SQLite gives its -wal and -shm files the mode of
 * the database file, so they follow. Files made 0644 by earlier builds are tightened on open.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * Creates data_dir (and missing parents) 0700; an existing directory is left as it is.
 * Not fs.mkdirSync's `recursive`: under /proc, mkdir answers ENOENT for a child of a directory
 * that exists, and Node's recursive mkdir then retries forever at 100 % CPU (issue 14). Here a
 * directory is created at most once, and a second ENOENT is an error.
 */
export function ensureDataDir(dir: string): void {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(abs, { mode: DATA_DIR_MODE });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!fs.statSync(abs).isDirectory()) throw err;
      return;
    }
    const parent = path.dirname(abs);
    if (code !== 'ENOENT' || parent === abs) throw err;
    ensureDataDir(parent);
    fs.mkdirSync(abs, { mode: DATA_DIR_MODE });
  }
}

/** Opens (creating) the SQLite database `name` in `dir`, 0600. */
export function openDatabase(dir: string, name: string): Database.Database {
  ensureDataDir(dir);
  const file = path.join(dir, name);
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, DATA_FILE_MODE);
  try {
    fs.fchmodSync(fd, DATA_FILE_MODE);
  } finally {
    fs.closeSync(fd);
  }
  for (const side of ['-wal', '-shm']) {
    try { fs.chmodSync(file + side, DATA_FILE_MODE); } catch { /* not there yet: SQLite creates it with the mode above */ }
  }
  return new Database(file);
}

/**
 * Brings a store's schema up to date: each step of `migrations` (index i moves the schema from
 * version i to i + 1, tracked in PRAGMA user_version) runs in its own transaction.
 */
export function migrateSchema(db: Database.Database, migrations: readonly string[]): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
