import { execFile } from 'node:child_process';
import path from 'node:path';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion and returns its exit code and output (never throws on exit code). `env`: added to this process's. */
export function runTool(cmd: string, args: readonly string[], cwd?: string, env?: Record<string, string>): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: env ? { ...process.env, ...env } : undefined }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

export interface Promtool {
  /** The Prometheus line, as `promtool --version` must report it. */
  readonly major: 2 | 3;
  readonly cmd: string;
}

/**
 * The promtools the rule and metrics checks run on: Debian 12's 2.42 on PATH, and Debian
 * unstable's 3.x that scripts/fetch-promtool3.sh (run by npm test's pretest) unpacks into
 * node_modules/.cache (the pinned 3.5.3, or unstable's current 3.x once the pool drops it).
 */
export const PROMTOOLS: readonly Promtool[] = [
  { major: 2, cmd: 'promtool' },
  {
    major: 3,
    cmd: path.resolve(import.meta.dirname, '../../node_modules/.cache/statusgraph/promtool3/promtool'),
  },
];
