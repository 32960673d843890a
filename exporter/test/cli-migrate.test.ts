import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/incidents/sqlite/migrations.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'exporter/dist/cli.js');
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

function setup(store = ''): { dir: string; file: string; run: () => ReturnType<typeof spawnSync> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-migrate-'));
  dirs.push(dir);
  const file = path.join(dir, 'sg.yml');
  fs.writeFileSync(file, `data_dir: ${dir}/data\n${store}components:\n  - { name: api, tier: service, probes: [{ kind: http, url: "http://127.0.0.1:1" }] }\n`);
  return { dir, file, run: () => spawnSync(process.execPath, [cli, 'migrate', '--config', file], { encoding: 'utf8' }) };
}

// The PostgreSQL side, against a real server: test/incidents/postgres-store.test.ts.
describe('statusgraph migrate (SQLite)', () => {
  it('creates the schema once, then has nothing to do', () => {
    const s = setup();
    const first = s.run();
    expect([first.status, first.stdout, first.stderr]).toEqual([0, `incident store SQLite (${s.dir}/data): schema version 0 -> ${SCHEMA_VERSION}\n`, '']);
    const again = s.run();
    expect([again.status, again.stdout]).toEqual([0, `incident store SQLite (${s.dir}/data): schema version ${SCHEMA_VERSION}, nothing to do\n`]);
    const db = new Database(path.join(s.dir, 'data', 'incidents.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database from a newer statusgraph (exit 1) and leaves it as it was', () => {
    const s = setup();
    fs.mkdirSync(path.join(s.dir, 'data'));
    const db = new Database(path.join(s.dir, 'data', 'incidents.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const r = s.run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^statusgraph migrate: cannot start: incident database schema version ${SCHEMA_VERSION + 1} is newer than this statusgraph supports`));
    const after = new Database(path.join(s.dir, 'data', 'incidents.db'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('reports a config error as FILE:LINE:COL and touches nothing', () => {
    const s = setup('store:\n  kind: postgres\n  dsn: mysql://u:topsecret@h/db\n');
    const r = s.run();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${s.file}:4:8: store.dsn: must be a postgres:// or postgresql:// URL\n`);
    expect(fs.existsSync(path.join(s.dir, 'data'))).toBe(false);
  });
});
