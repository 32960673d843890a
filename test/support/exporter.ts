import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, until } from './ports.js';
import { tempDir } from './tmp.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'exporter/dist/cli.js');

export interface RunningExporter {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly configFile: string;
  readonly process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Parsed JSON log lines so far. */
  logLines(): Record<string, unknown>[];
  metrics(): Promise<string>;
  components(): Promise<any[]>;
  /** Rewrites the config file (for reload tests). */
  writeConfig(yaml: string): void;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL) and waits for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** The config YAML. `listen` and `data_dir` are set by the harness through CLI flags. */
  config: string;
  env?: Record<string, string>;
  /** Reuse a data directory (restart tests); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Extra headers for metrics()/components() (auth tests). */
  headers?: Record<string, string>;
  /** Listen on this port (a restart on the address Prometheus scrapes); a free one otherwise. */
  port?: number;
  /** Wait for /-/ready (default true). */
  waitReady?: boolean;
}

/**
 * Runs the built CLI (`statusgraph run`) as a child process on a free loopback port, the way a
 * user runs it, and waits until it is ready. Build first: the README's test command does.
 */
export async function startExporter(opts: StartOptions): Promise<RunningExporter> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const port = opts.port ?? await freePort();
  const work = tempDir('statusgraph-exporter-');
  const dataDir = opts.dataDir ?? path.join(work.path, 'data');
  const configFile = path.join(work.path, 'statusgraph.yml');
  fs.writeFileSync(configFile, opts.config);
  const child = spawn(process.execPath, [CLI, 'run', '--config', configFile, '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    env: { ...process.env, STATUSGRAPH_LOG_LEVEL: 'debug', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const headers = opts.headers ?? {};
  const running: RunningExporter = {
    url,
    port,
    dataDir,
    configFile,
    process: child,
    logs: () => out,
    logLines: () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
    async metrics() {
      // A process that died says how, not only "fetch failed".
      const r = await fetch(`${url}/metrics`, { headers }).catch((err: Error) => {
        throw new Error(`/metrics: ${err.message} (exit code ${child.exitCode}, signal ${child.signalCode})\n--- exporter output (end) ---\n${out.slice(-4000)}`, { cause: err });
      });
      if (!r.ok) throw new Error(`/metrics: ${r.status}`);
      return r.text();
    },
    async components() {
      const r = await fetch(`${url}/api/v1/components`, { headers });
      if (!r.ok) throw new Error(`/api/v1/components: ${r.status}`);
      return ((await r.json()) as { components: any[] }).components;
    },
    writeConfig(yaml) { fs.writeFileSync(configFile, yaml); },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      if (!opts.dataDir) work.remove();
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  if (opts.waitReady ?? true) {
    try {
      await until('exporter ready', async () => {
        if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode}:\n${out}`);
        const r = await fetch(`${url}/-/ready`).catch(() => undefined);
        return r?.ok;
      }, 30_000);
    } catch (e) {
      await running.kill();
      throw new Error(`${(e as Error).message}\n--- exporter output ---\n${out}`);
    }
  }
  return running;
}

/** Sample value of `name{labels}` in exposition text, or undefined when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const lm of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[lm[1]!] = lm[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}
