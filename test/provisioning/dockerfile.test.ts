/*
 * The Dockerfile builds the exporter from a clean checkout. No Docker engine here: the build stage
 * is replayed in a temporary "root" (its WORKDIR and absolute paths mapped under a temp dir) with
 * the files a clean checkout has, running the same npm steps (exporter/docker-build.sh), and the
 * runtime tree it produces is then started the way the image's ENTRYPOINT and CMD start it.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';
import { copyArgs, parseDockerfile, type Stage } from './lib/dockerfile.js';
import { COMPOSE_EXPORTER_CONFIG, DOCKERFILE, REPO } from './lib/paths.js';

const stages = parseDockerfile(fs.readFileSync(DOCKERFILE, 'utf8'));
const build = stages.find((s) => s.name === 'build')!;
const runtime = stages.at(-1)!;
const root = tempDir('statusgraph-docker-');
const ctx = path.join(root.path, 'context');
const fakeRoot = path.join(root.path, 'root');
/** An absolute path inside the image, mapped into the fake root. */
const inImage = (p: string) => path.join(fakeRoot, p);

function instructions(stage: Stage, keyword: string) {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The tracked files of the repository, as a fresh clone has them (no node_modules, no dist). */
function cleanCheckout(dest: string): number {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
  let n = 0;
  for (const f of files) {
    const src = path.join(REPO, f);
    if (!fs.existsSync(src)) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(src, path.join(dest, f));
    fs.chmodSync(path.join(dest, f), fs.statSync(src).mode);
    n++;
  }
  return n;
}

/** COPY from the build context, with Docker's rules: a directory source copies its contents. */
function copyFromContext(sources: string[], dest: string, workdir: string): void {
  const target = path.isAbsolute(dest) ? inImage(dest) : path.join(workdir, dest);
  for (const s of sources) {
    const src = path.join(ctx, s);
    if (!fs.existsSync(src)) throw new Error(`COPY ${s}: not in a clean checkout`);
    if (fs.statSync(src).isDirectory()) fs.cpSync(src, target, { recursive: true });
    else {
      const to = dest.endsWith('/') || sources.length > 1 ? path.join(target, path.basename(s)) : target;
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(src, to);
    }
  }
}

function run(command: string, cwd: string): void {
  // The image's build stage has no NODE_ENV; a test runner's value must not change what npm installs.
  const { NODE_ENV: _omit, ...env } = process.env;
  try {
    execFileSync('sh', ['-c', command], { cwd, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`${command} failed:\n${String(err.stdout ?? '').slice(-4000)}\n${String(err.stderr ?? '').slice(-4000)}`);
  }
}

let cli: string;

beforeAll(() => {
  expect(cleanCheckout(ctx)).toBeGreaterThan(10);
  let workdir = fakeRoot;
  for (const ins of build.instructions) {
    if (ins.keyword === 'WORKDIR') {
      workdir = inImage(ins.args);
      fs.mkdirSync(workdir, { recursive: true });
    } else if (ins.keyword === 'COPY') {
      const { from, sources, dest } = copyArgs(ins);
      if (from) throw new Error(`build stage COPY --from is not replayed (line ${ins.line})`);
      copyFromContext(sources, dest, workdir);
    } else if (ins.keyword === 'RUN') {
      // System packages are the CI machine's (scripts/setup-ci.sh); every other step runs here.
      if (/^apt-get /.test(ins.args)) continue;
      // Absolute image paths in the command land in the fake root.
      run(ins.args.replace(/(^|\s)(\/[\w./-]+)/g, (_m, sp: string, p: string) => `${sp}${inImage(p)}`), workdir);
    }
  }
  for (const ins of instructions(runtime, 'COPY')) {
    const { from, sources, dest } = copyArgs(ins);
    expect(from, `runtime COPY at line ${ins.line} comes from the build stage`).toBe('build');
    // The build stage already wrote its output into the fake root; the runtime stage must copy
    // exactly that tree.
    for (const s of sources) expect(fs.existsSync(inImage(s)), `${s} was built`).toBe(true);
    expect(sources).toEqual([dest]);
  }
  const entry = instructions(runtime, 'ENTRYPOINT')[0]!.json!;
  expect(entry[0]).toBe('node');
  cli = inImage(entry[1]!);
}, 600_000);

afterAll(() => root.remove());

describe('exporter/Dockerfile', () => {
  it('builds on one pinned Node LTS release in stages and runs as a non-root user with data on a volume', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // Issue 16: Node 22 or 24 (20 reached end of life in April 2026), an exact release, the same
    // in every stage (the native module built in one runs in the other).
    for (const s of stages) expect(s.from).toMatch(/^node:(22|24)\.\d+\.\d+-bookworm-slim$/);
    expect(new Set(stages.map((s) => s.from)).size).toBe(1);
    const user = instructions(runtime, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(instructions(runtime, 'VOLUME').map((i) => i.args)).toContain('/var/lib/statusgraph');
    expect(instructions(runtime, 'EXPOSE').map((i) => i.args)).toContain('9470');
    const cmd = instructions(runtime, 'CMD')[0]!.json!;
    expect(cmd.join(' ')).toContain('--listen 0.0.0.0:9470');
    expect(cmd.join(' ')).toContain('--data-dir /var/lib/statusgraph');
  });

  it('runs only the shared build script besides system packages, so CI replays all of it', () => {
    const runs = instructions(build, 'RUN').map((i) => i.args);
    expect(runs.filter((r) => !/^apt-get /.test(r))).toEqual(['sh exporter/docker-build.sh deps', 'sh exporter/docker-build.sh build /app']);
  });

  it('produces a runtime tree without dev dependencies, that starts and serves /metrics', async () => {
    const app = inImage('/app');
    expect(fs.existsSync(path.join(app, 'node_modules/better-sqlite3'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules/vitest'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules/@types/node'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'exporter/src'))).toBe(false);

    const port = await freePort();
    const data = path.join(root.path, 'data');
    const config = path.join(root.path, 'statusgraph.yml');
    fs.writeFileSync(config, `interval: 1s\ntimeout: 500ms\ncomponents:\n  - name: self\n    tier: service\n    probes:\n      - { kind: tcp, address: "127.0.0.1:${port}" }\n`);
    // CMD's arguments, with the listen address moved to a free loopback port for the test.
    const cmd = instructions(runtime, 'CMD')[0]!.json!.map((a) => a === '0.0.0.0:9470' ? `127.0.0.1:${port}` : a === '/etc/statusgraph/statusgraph.yml' ? config : a === '/var/lib/statusgraph' ? data : a);
    const child = spawn(process.execPath, [cli, ...cmd], { cwd: root.path, env: { PATH: process.env.PATH, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const metrics = await until('the built exporter serves its own component', async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
        const r = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        const text = r?.ok ? await r.text() : '';
        return /statusgraph_component_status\{component="self",tier="service"\} 0/.test(text) && text;
      }, 30_000);
      expect(metrics).toContain('statusgraph_incidents_open');
      // The SQLite store (native module) opened under the data dir.
      expect(fs.readdirSync(data).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('accepts the compose stack\'s config', () => {
    const token = path.join(root.path, 'grafana-token');
    fs.writeFileSync(token, 'glsa_test\n');
    const config = path.join(root.path, 'compose-statusgraph.yml');
    fs.writeFileSync(config, fs.readFileSync(COMPOSE_EXPORTER_CONFIG, 'utf8').replace('/run/statusgraph-grafana/token', token));
    const env = {
      PATH: process.env.PATH, STATUSGRAPH_API_TOKENS: 't1', SLACK_WEBHOOK_URL: 'http://slack-sink:8080/services/demo',
      SLACK_SIGNING_SECRET: 's', PG_MONITOR_PASSWORD: 'p', RABBITMQ_PASSWORD: 'r',
      // As docker-compose.yml passes them when .env leaves Slack threads off (empty: off).
      SLACK_BOT_TOKEN: '', SLACK_INCIDENT_CHANNEL: '',
    };
    const out = execFileSync(process.execPath, [cli, 'check-config', config], { env, encoding: 'utf8' });
    expect(out).not.toMatch(/error/i);
  });
});
