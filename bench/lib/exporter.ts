import fs from 'node:fs';
import path from 'node:path';
import { CLI } from '../../test/support/exporter.js';
import { freePort, until } from '../../test/support/ports.js';
import { startProcess, type OwnedProcess } from '../../test/support/process.js';

/**
 * The built CLI (`statusgraph run`) as users run it, with optional node flags (--cpu-prof cannot
 * go through NODE_OPTIONS). Info-level logs: debug logging of 10,000 probes is not the product.
 */
export interface BenchExporter {
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  /** Parsed JSON log lines (the last 200 kB of output). */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startBenchExporter(opts: { dir: string; config: string; nodeArgs?: readonly string[]; readyTimeoutMs?: number; /** Another build's cli.js (before/after comparisons). */ cli?: string }): Promise<BenchExporter> {
  const cli = opts.cli ?? CLI;
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build -w exporter" first`);
  const port = await freePort();
  const configFile = path.join(opts.dir, 'statusgraph.yml');
  fs.writeFileSync(configFile, opts.config);
  const proc: OwnedProcess = startProcess(process.execPath, [
    ...(opts.nodeArgs ?? []), cli, 'run', '--config', configFile, '--listen', `127.0.0.1:${port}`, '--data-dir', path.join(opts.dir, 'data'),
  ], { env: { ...process.env, STATUSGRAPH_LOG_LEVEL: 'info' } });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('exporter ready', async () => {
      if (proc.exited()) throw new Error(`exporter exited:\n${proc.output()}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok;
    }, opts.readyTimeoutMs ?? 120_000, 100);
  } catch (e) {
    await proc.stop('SIGKILL');
    throw e;
  }
  return {
    pid: proc.pid,
    url,
    port,
    logLines: () => proc.output().split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
      try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; }
    }),
    // SIGTERM: the CLI shuts down cleanly, which is also when node writes the CPU profile.
    stop: () => proc.stop('SIGTERM', 30_000),
  };
}
