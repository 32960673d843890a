import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/**
 * A server process a test owns: its output is kept (bounded) for failure messages, and `stop()`
 * waits for the real exit so the next start on the same port or data directory cannot race it.
 */
export interface OwnedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (last 200 kB). */
  output(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Resolves with the exit code or signal name once the process has exited. */
  waitExit(): Promise<string>;
  /** Sends `signal` and waits for the exit; escalates to SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Sends a signal without waiting (SIGSTOP/SIGCONT to freeze and thaw a server). */
  signal(signal: NodeJS.Signals): void;
}

const MAX_OUTPUT = 200_000;

export function startProcess(command: string, args: readonly string[], options: SpawnOptions = {}): OwnedProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > MAX_OUTPUT) out = out.slice(out.length - MAX_OUTPUT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitResult: string | undefined;
  const exit = new Promise<string>((resolve) => {
    child.once('error', (e) => { exitResult = `spawn error: ${e.message}`; resolve(exitResult); });
    child.once('exit', (code, sig) => { exitResult = sig ?? String(code); resolve(exitResult); });
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}`);
  }
  const pid = child.pid;
  return {
    pid,
    child,
    output: () => out,
    exited: () => exitResult !== undefined,
    waitExit: () => exit,
    signal(sig) {
      if (exitResult === undefined) child.kill(sig);
    },
    async stop(sig = 'SIGTERM', graceMs = 15_000) {
      if (exitResult !== undefined) return;
      // A frozen process cannot act on SIGTERM: thaw it first.
      child.kill('SIGCONT');
      child.kill(sig);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export async function runCommand(command: string, args: readonly string[], options: SpawnOptions = {}, timeoutMs = 60_000): Promise<string> {
  const p = startProcess(command, args, options);
  const timer = setTimeout(() => p.signal('SIGKILL'), timeoutMs);
  try {
    const result = await p.waitExit();
    if (result !== '0') {
      throw new Error(`${command} ${args.join(' ')} exited with ${result}:\n${p.output()}`);
    }
    return p.output();
  } finally {
    clearTimeout(timer);
  }
}

/** The direct children of `pid` (a postmaster's backends, a wrapper script's server), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may contain spaces, so split after it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/** `pid` and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childPids(out[i]!));
  return out;
}

/** True when every thread of `pid` is stopped (or it is gone). */
function allThreadsStopped(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return true;
  }
  return tasks.every((t) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      return /^[Tt]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
    } catch {
      return true;
    }
  });
}

/**
 * SIGSTOP to each process and a wait until the kernel has really stopped all their threads:
 * kill() only queues the signal, and a busy server could still answer one more request.
 */
export async function freezeProcesses(pids: readonly number[], timeoutMs = 5_000): Promise<void> {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGSTOP'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + timeoutMs;
  while (!pids.every(allThreadsStopped)) {
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(', ')} did not stop within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** SIGCONT to each process (the reverse of freezeProcesses). */
export function thawProcesses(pids: readonly number[]): void {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGCONT'); } catch { /* already gone */ }
  }
}
