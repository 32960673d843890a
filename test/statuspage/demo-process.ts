/*
 * Runs `statusgraph demo` from the built CLI as a child process on a free loopback port, the way
 * `npm start` does, and reads its state file for the URL and the write token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI } from '../support/exporter.js';
import { freePort, until } from '../support/ports.js';
import { tempDir } from '../support/tmp.js';

export interface RunningDemo {
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  readonly intervalMs: number;
  readonly process: ChildProcess;
  logs(): string;
  /** Runs `statusgraph demo <args>` against this demo; resolves with exit code and output. */
  cli(...args: string[]): Promise<{ code: number | null; out: string }>;
  /** Stops the process but keeps its data directory (for a restart on the same port). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemo(intervalMs = 2_000, reuse?: { port: number; dir: { path: string; remove(): void } }): Promise<RunningDemo> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const port = reuse?.port ?? await freePort();
  const dir = reuse?.dir ?? tempDir('statusgraph-demo-test-');
  const child = spawn(process.execPath, [CLI, 'demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dir.path, '--interval', `${intervalMs}ms`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, STATUSGRAPH_LOG_LEVEL: 'info' },
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const stop = async () => {
    await kill();
    dir.remove();
  };
  const stateFile = path.join(dir.path, 'demo.json');
  let state: { url: string; token: string };
  try {
    state = await until('demo state file', () => {
      if (child.exitCode !== null) throw new Error(`demo exited with ${child.exitCode}:\n${out}`);
      return fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { url: string; token: string }) : undefined;
    }, 30_000);
    await until('demo ready', async () => (await fetch(`${state.url}/-/ready`).catch(() => undefined))?.ok, 30_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- demo output ---\n${out}`);
  }
  return {
    url: state.url,
    token: state.token,
    dataDir: dir.path,
    intervalMs,
    process: child,
    logs: () => out,
    cli: (...args) => new Promise((resolve) => {
      const c = spawn(process.execPath, [CLI, 'demo', ...args, '--data-dir', dir.path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let o = '';
      c.stdout!.setEncoding('utf8').on('data', (d: string) => { o += d; });
      c.stderr!.setEncoding('utf8').on('data', (d: string) => { o += d; });
      c.once('exit', (code) => resolve({ code, out: o }));
    }),
    kill,
    stop,
  };
}

/** The same demo again: same port, same data directory (history and incidents survive). */
export async function restartDemo(old: RunningDemo): Promise<RunningDemo> {
  await old.kill();
  const port = Number(new URL(old.url).port);
  return startDemo(old.intervalMs, { port, dir: { path: old.dataDir, remove: () => fs.rmSync(old.dataDir, { recursive: true, force: true }) } });
}
