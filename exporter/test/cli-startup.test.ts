/*
 * Start-up failures of the real CLI (issue 14, item 7): `run` and `demo` each print ONE line on
 * stderr that names the failing part and why, and exit 1: port in use, unresolvable listen host,
 * data_dir under /proc (spun at 100 % CPU in Node's recursive mkdir), data_dir through a file,
 * read-only data dir, read-only database. Needs the build (exporter/dist).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'exporter/dist/cli.js');
const asRoot = process.getuid?.() === 0;
/** Root writes anywhere: the read-only cases then run the CLI as nobody (uid 65534). */
const NOBODY = 65_534;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-startup-'));
fs.chmodSync(dir, 0o755);
let busy: net.Server;
let busyAddr = '';
beforeAll(async () => {
  busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  busyAddr = `127.0.0.1:${(busy.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

function config(dataDir: string): string {
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yml`);
  fs.writeFileSync(file, `listen: 127.0.0.1:0\ndata_dir: ${JSON.stringify(dataDir)}\ncomponents:\n  - name: api\n    tier: service\n    probes:\n      - kind: tcp\n        address: 127.0.0.1:9\n`, { mode: 0o644 });
  return file;
}

/** Runs the CLI until it exits (a start that succeeds would hang: the test's timeout says so). */
function cliRun(args: string[], uid?: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Not an assertion: a start that hangs (the /proc spin) must not outlive the test.
      timeout: 25_000, killSignal: 'SIGKILL',
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

async function expectOneLine(args: string[], pattern: RegExp, uid?: number): Promise<void> {
  const r = await cliRun(args, uid);
  expect(r.stderr).toMatch(/^[^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+\)?$/m);
  expect(r.code).toBe(1);
}

describe('start-up failures: one line, exit 1', () => {
  it('port in use, in run and demo', async () => {
    const file = config(path.join(dir, 'd1'));
    await expectOneLine(['run', '--config', file, '--listen', busyAddr], new RegExp(`^statusgraph run: listen address ${busyAddr}: already in use`));
    await expectOneLine(['demo', '--listen', busyAddr, '--data-dir', path.join(dir, 'demo1')], new RegExp(`^statusgraph demo: listen address ${busyAddr}: already in use`));
  });

  it('unresolvable listen host, in run and demo', async () => {
    const file = config(path.join(dir, 'd2'));
    await expectOneLine(['run', '--config', file, '--listen', 'nosuchhost.invalid:9470'], /^statusgraph run: listen address nosuchhost.invalid:9470: the host name does not resolve/);
    await expectOneLine(['demo', '--listen', 'nosuchhost.invalid:9470', '--data-dir', path.join(dir, 'demo2')], /^statusgraph demo: listen address nosuchhost.invalid:9470: the host name does not resolve/);
  });

  it('data_dir under /proc ends at once instead of spinning, in run and demo', async () => {
    const file = config('/proc/statusgraph-data');
    await expectOneLine(['run', '--config', file], /^statusgraph run: data_dir \/proc\/statusgraph-data: no such file or directory/);
    await expectOneLine(['demo', '--listen', '127.0.0.1:0', '--data-dir', '/proc/statusgraph-demo'], /^statusgraph demo: data dir \/proc\/statusgraph-demo: no such file or directory/);
  });

  it('data_dir through a regular file', async () => {
    const f = path.join(dir, 'a-file');
    fs.writeFileSync(f, '');
    await expectOneLine(['run', '--config', config(path.join(f, 'data'))], /^statusgraph run: data_dir .*a-file\/data: a part of the path is a file, not a directory/);
  });

  it('read-only data dir', async () => {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro, { mode: 0o555 });
    fs.chmodSync(ro, 0o555);
    await expectOneLine(['run', '--config', config(ro)], /^statusgraph run: data_dir .*\/ro: permission denied \(.*incidents\.db\) \[EACCES\]\n$/, asRoot ? NOBODY : undefined);
  });

  it('read-only database', async () => {
    const data = path.join(dir, 'rodb');
    fs.mkdirSync(data, { mode: 0o700 });
    fs.writeFileSync(path.join(data, 'incidents.db'), '', { mode: 0o400 });
    if (asRoot) {
      fs.chownSync(data, NOBODY, NOBODY);
      fs.chownSync(path.join(data, 'incidents.db'), NOBODY, NOBODY);
    }
    await expectOneLine(['run', '--config', config(data)], /^statusgraph run: data_dir .*\/rodb: permission denied \(.*incidents\.db\) \[EACCES\]\n$/, asRoot ? NOBODY : undefined);
  });
});
