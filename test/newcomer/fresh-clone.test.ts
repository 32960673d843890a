/*
 * Acceptance 4 of issue 14: the README's newcomer path, run in a FRESH CLONE of this repository
 * (its committed HEAD), reaches "ready" without editing a file. The commands are read from the
 * README block marked `newcomer-path`, so the README and this test cannot drift apart.
 *
 * Two liberties, both outside the files: `npm ci` is replaced by the layout it would make, built
 * from this checkout's installed node_modules (same package-lock.json; a full install is minutes
 * of download on 2 cores), and the run command gets `--listen 127.0.0.1:<free port>` so that it
 * cannot collide with a demo or another test on 9470.
 *
 * The layout, not one link to this checkout's node_modules: through that link, npm's workspace
 * links (node_modules/@statusgraph/core -> ../../packages/core) led to this checkout's core,
 * already built, so a README build that left core unbuilt passed here (fixed in da2b077). Now the
 * clone has node_modules directories of its own: each installed package is a link to this
 * checkout's copy, and each workspace link is copied as it is (relative), so it leads to the
 * clone's own package, as after `npm ci`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/exporter.js';
import { freePort, until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';

/**
 * `to` as a node_modules directory with the packages of `from`: relative links (npm's workspace
 * links, .bin) copied as they are, scope directories entered, every other package linked by its
 * absolute path. About 800 entries for the root, where a copy is 103,000 (and 15 s to delete at
 * load 12).
 */
function layNodeModules(from: string, to: string): void {
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isSymbolicLink() && !path.isAbsolute(fs.readlinkSync(source))) fs.symlinkSync(fs.readlinkSync(source), target);
    else if (entry.isDirectory() && (entry.name.startsWith('@') || entry.name === '.bin')) layNodeModules(source, target);
    else fs.symlinkSync(source, target);
  }
}

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
    const root = JSON.parse(fs.readFileSync(path.join(clone, 'package.json'), 'utf8')) as { workspaces: string[] };
    for (const dir of ['.', ...root.workspaces]) {
      const nm = path.join(REPO_ROOT, dir, 'node_modules');
      if (fs.existsSync(nm)) layNodeModules(nm, path.join(clone, dir, 'node_modules'));
    }
    // The workspace links lead into the clone: its core has no dist until the README's build makes one.
    expect(fs.realpathSync(path.join(clone, 'node_modules/@statusgraph/core'))).toBe(path.join(clone, 'packages/core'));
    expect(fs.existsSync(path.join(clone, 'packages/core/dist'))).toBe(false);
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
    // Nothing in the clone was edited: only the ignored node_modules, build output and data dir were added.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  });
});
