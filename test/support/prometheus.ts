import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import YAML from 'yaml';
import { freePort, until } from './ports.js';
import { tempDir } from './tmp.js';

const repoPrometheusDir = path.resolve(import.meta.dirname, '../../provisioning/prometheus');

/** The committed rule files, absolute. */
export function repoRuleFiles(): string[] {
  const dir = path.join(repoPrometheusDir, 'rules');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().map((f) => path.join(dir, f));
}

/**
 * Copies of the committed rule files in `dir` with every alert's `for:` set to `forDuration`, so
 * an end-to-end test can see a 5-minute warning fire in seconds. Expressions, labels and
 * annotations stay the committed ones. Returns the copies' paths.
 */
export function repoRuleFilesWithFor(dir: string, forDuration: string): string[] {
  return repoRuleFiles().map((file) => {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { groups: { rules: { alert?: string; for?: string }[] }[] };
    for (const g of doc.groups) for (const r of g.rules) if (r.alert && r.for) r.for = forDuration;
    const copy = path.join(dir, path.basename(file));
    fs.writeFileSync(copy, YAML.stringify(doc));
    return copy;
  });
}

export interface LocalPrometheusConfigOptions {
  /** Rule files to load instead of the committed ones (e.g. repoRuleFilesWithFor()). */
  readonly ruleFiles?: readonly string[];
  /** host:port of the statusgraph exporter. */
  readonly exporter?: string;
  /** host:port of Alertmanager. */
  readonly alertmanager?: string;
  /** Replaces the scrape and evaluation intervals (the committed ones are 15s). */
  readonly interval?: string;
  /** Load the committed rule files (default true); false for a Prometheus that only serves backfilled data. */
  readonly rules?: boolean;
}

/**
 * The committed prometheus.yml with only loopback addresses, absolute rule paths and short
 * intervals, so the rules under test are the committed ones.
 */
export function prometheusConfigFromRepo(opts: LocalPrometheusConfigOptions): string {
  const cfg = YAML.parse(fs.readFileSync(path.join(repoPrometheusDir, 'prometheus.yml'), 'utf8'));
  if (opts.rules === false) delete cfg.rule_files;
  else if (opts.ruleFiles) cfg.rule_files = [...opts.ruleFiles];
  else cfg.rule_files = (cfg.rule_files as string[]).map((r) => path.resolve(repoPrometheusDir, r));
  if (opts.interval) {
    cfg.global.scrape_interval = opts.interval;
    cfg.global.evaluation_interval = opts.interval;
  }
  if (opts.alertmanager) cfg.alerting.alertmanagers = [{ static_configs: [{ targets: [opts.alertmanager] }] }];
  else delete cfg.alerting;
  cfg.scrape_configs = (cfg.scrape_configs as Record<string, unknown>[])
    .filter((s) => s.job_name === 'statusgraph' && opts.exporter)
    .map((s) => ({ ...s, ...(opts.interval ? { scrape_interval: opts.interval } : {}), static_configs: [{ targets: [opts.exporter] }] }));
  return YAML.stringify(cfg);
}

export interface PromSample { metric: Record<string, string>; value: [number, string] }
export interface PromSeries { metric: Record<string, string>; values: [number, string][] }

export interface Prometheus {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  query(expr: string, time?: Date): Promise<PromSample[]>;
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<PromSeries[]>;
  /** Stops and starts again on the same port and data (to load backfilled blocks). */
  restart(): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  readonly configYaml: string;
  /** Data directory to use (e.g. one already filled by a backfill); a temp one otherwise. */
  readonly dataDir?: string;
  readonly retention?: string;
  /** More command-line flags, e.g. `--rules.alert.resend-delay=1s`. */
  readonly extraArgs?: readonly string[];
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** Writes blocks for OpenMetrics text (timestamps in seconds, ending with `# EOF`) into dataDir. */
export async function backfillOpenMetrics(openMetrics: string, dataDir: string): Promise<string> {
  const file = path.join(dataDir, '..', `backfill-${process.pid}-${Date.now()}.om`);
  fs.writeFileSync(file, openMetrics);
  try {
    // Larger blocks: promtool reads the whole input once per block, 2h blocks make that slow.
    return await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', file, dataDir]);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Evaluates recording rules over a past range against a running Prometheus and writes blocks into outputDir. */
export async function backfillRules(opts: { prometheusUrl: string; start: Date; end: Date; ruleFiles: readonly string[]; outputDir: string; evalInterval?: string }): Promise<string> {
  return run('promtool', [
    'tsdb', 'create-blocks-from', 'rules',
    `--start=${Math.floor(opts.start.getTime() / 1000)}`,
    `--end=${Math.floor(opts.end.getTime() / 1000)}`,
    `--url=${opts.prometheusUrl}`,
    `--output-dir=${opts.outputDir}`,
    `--eval-interval=${opts.evalInterval ?? '60s'}`,
    '--max-block-duration=24h',
    ...opts.ruleFiles,
  ]);
}

/** Starts Debian's prometheus on a free loopback port with its own temp dir. */
export async function startPrometheus(opts: StartPrometheusOptions): Promise<Prometheus> {
  const dir = tempDir('statusgraph-prom-');
  const port = await freePort();
  const configFile = path.join(dir.path, 'prometheus.yml');
  fs.writeFileSync(configFile, opts.configYaml);
  const dataDir = opts.dataDir ?? path.join(dir.path, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const c = spawn('prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--storage.tsdb.retention.time=${opts.retention ?? '100d'}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // As in docker-compose.yml: the alerts' generatorURL points at this Prometheus.
      `--web.external-url=${url}`,
      '--web.enable-lifecycle',
      '--log.level=info',
      ...(opts.extraArgs ?? []),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    c.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    await until('prometheus ready', async () => {
      if (c.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-4000)}`);
      const r = await fetch(`${url}/-/ready`);
      return r.ok;
    }, 60_000, 100);
  };

  const halt = async (): Promise<void> => {
    const c = child;
    if (c && c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const r = await fetch(`${url}${pathAndQuery}`);
    const body = (await r.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${pathAndQuery}: ${body.error}`);
    return body.data;
  };

  try {
    await launch();
  } catch (e) {
    await halt();
    dir.remove();
    throw e;
  }

  return {
    url,
    port,
    dataDir,
    async query(expr, time) {
      const q = new URLSearchParams({ query: expr, ...(time ? { time: String(time.getTime() / 1000) } : {}) });
      return (await api<{ result: PromSample[] }>(`/api/v1/query?${q}`)).result;
    },
    async queryRange(expr, start, end, step) {
      const q = new URLSearchParams({ query: expr, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(step) });
      return (await api<{ result: PromSeries[] }>(`/api/v1/query_range?${q}`)).result;
    },
    async restart() {
      await halt();
      await launch();
    },
    logs: () => output,
    async stop() {
      await halt();
      dir.remove();
    },
  };
}
