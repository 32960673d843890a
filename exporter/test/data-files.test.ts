/*
 * Data files are private (issue 14, item 8): data_dir is created 0700 and every file the service
 * creates in it (both SQLite databases, their -wal and -shm) is 0600, whatever the umask; files
 * left 0644 by earlier builds are tightened when opened.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../src/app.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const mode = (p: string) => fs.statSync(p).mode & 0o777;

async function runOnce(root: string, dataDir: string): Promise<void> {
  const file = path.join(root, 'sg.yml');
  fs.writeFileSync(file, `listen: 127.0.0.1:0\ndata_dir: ${JSON.stringify(dataDir)}\ncomponents:\n  - name: api\n    tier: service\n    probes:\n      - kind: tcp\n        address: 127.0.0.1:9\n`);
  const svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: root });
  await svc.stop();
}

describe('data_dir and its files', () => {
  it('creates the directory 0700 and every file in it 0600, under a permissive umask', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-modes-'));
    dirs.push(root);
    const dataDir = path.join(root, 'var', 'data');
    await runOnce(root, dataDir);
    expect(mode(dataDir)).toBe(0o700);
    const files = fs.readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['history.db', 'incidents.db']));
    for (const f of files) expect([f, mode(path.join(dataDir, f))]).toEqual([f, 0o600]);
  });

  it('tightens database files an earlier build left 0644', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-modes-'));
    dirs.push(root);
    const dataDir = path.join(root, 'data');
    await runOnce(root, dataDir);
    for (const f of fs.readdirSync(dataDir)) fs.chmodSync(path.join(dataDir, f), 0o644);
    await runOnce(root, dataDir);
    for (const f of fs.readdirSync(dataDir)) expect([f, mode(path.join(dataDir, f))]).toEqual([f, 0o600]);
  });
});
