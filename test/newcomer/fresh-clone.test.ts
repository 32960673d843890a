/*
 * Acceptance 4 of issue 14: the README's newcomer path, run in a FRESH CLONE of this repository
 * (its committed HEAD), reaches "ready" without editing a file. The commands are read from the
 * README block marked `newcomer-path`, so the README and this test cannot drift apart.
 *
 * Two liberties, both outside the files: `npm ci` is replaced by linking this checkout's
 * node_modules (same package-lock.json; a full install is minutes of download on 2 cores), and
 * the run command gets `--listen 127.0.0.1:<free port>` so that it cannot collide with a demo or
 * another test on 9470.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/exporter.js';
import { freePort, until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';

function newcomerBlock(readme: string): string[] {
  const m = /<!-- newcomer-path[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no block marked <!-- newcomer-path -->');
  return m[1]!.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

const tmp = tempDir('statusgraph-clone-');
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  tmp.remove();
});

describe('README newcomer path in a fresh clone', () => {
  it('builds and reaches /-/ready 200 with the README commands, editing no file', async () => {
    const clone = path.join(tmp.path, 'statusgraph');
    execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone], { stdio: 'pipe' });
    const lines = newcomerBlock(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'));
    expect(lines).toHaveLength(2);
    const [install, run] = lines as [string, string];
    expect(install).toMatch(/^npm ci && /);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    for (const ws of ['exporter', 'grafana-panel']) {
      const nm = path.join(REPO_ROOT, ws, 'node_modules');
      if (fs.existsSync(nm)) fs.symlinkSync(nm, path.join(clone, ws, 'node_modules'));
    }
    execFileSync('sh', ['-c', install.replace(/^npm ci && /, '')], { cwd: clone, stdio: 'pipe' });

    const port = await freePort();
    server = spawn('sh', ['-c', `exec ${run} --listen 127.0.0.1:${port}`], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<number | null>((r) => server!.on('exit', (code) => r(code)));
    const ready = until('/-/ready of the fresh clone', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 60_000);
    const outcome = await Promise.race([ready, exited.then((code) => { throw new Error(`exited ${code}: ${stderr}`); })]);
    expect(await outcome.text()).toBe('statusgraph is ready.\n');
    // Nothing in the clone was edited: only the ignored build output and data dir were added
    // (and the node_modules links, which `node_modules/` does not match as they are not directories).
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })
      .split('\n').filter((l) => l !== '' && !/^\?\? (\S+\/)?node_modules$/.test(l));
    expect(status).toEqual([]);
  });
});
