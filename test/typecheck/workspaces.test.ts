/*
 * `npm test` typechecks what `npm run typecheck` typechecks: vitest strips types without checking
 * them, so a stale import or a wrong type in a test (or a drift that
 * exporter/test/architecture/api-types.test.ts exists to catch) passed the suite unseen. Each
 * project is checked with --noEmit: core's own `typecheck` writes its dist, which the tests running
 * beside this one are reading (npm test's build already wrote it).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/exporter.js';
import { lanes } from '../support/lanes.js';

const TSC = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

/** The `-p` projects of the root `typecheck` script and of every workspace's, repo-relative. */
function typecheckProjects(): string[] {
  const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[]; scripts: Record<string, string> };
  const projects = (dir: string, script: string | undefined) => [...(script ?? '').matchAll(/tsc -p (\S+)/g)].map((m) => path.join(dir, m[1]!));
  const own = projects('', root.scripts.typecheck);
  const workspaces = root.workspaces.flatMap((ws) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, ws, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    return projects(ws, pkg.scripts?.typecheck);
  });
  return [...workspaces, ...own];
}

function tsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, '-p', project, '--noEmit'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('npm run typecheck, inside npm test', () => {
  const projects = typecheckProjects();

  it('covers every workspace, the dashboards and the cross-part tests', () => {
    expect(projects).toEqual(expect.arrayContaining([
      'packages/core/tsconfig.json', 'packages/core/test/tsconfig.json', 'exporter/tsconfig.json',
      'grafana-panel/tsconfig.json', 'provisioning/grafana/dashboards/tsconfig.json', 'test/tsconfig.json',
    ]));
  });

  // Two tsc at a time, one per core: the integration files run after the in-process projects, one
  // file at a time, so nothing else runs beside this one. One at a time it took 61 s; the projects
  // take 18, 17, 14, 4, 3 and 2 s of CPU (test, exporter, panel, dashboards, core tests, core), so
  // two lanes end after about 37 s.
  const slot = lanes(2);
  it.concurrent.for(typecheckProjects())('%s has no type error', { timeout: 600_000 }, async (project, { expect }) => {
    const r = await slot(() => tsc(project));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });
});
