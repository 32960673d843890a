import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

/*
 * Process accounting from /proc, so that each process is measured on its own (not the driver,
 * not the target). Clock ticks are read once from getconf rather than assumed to be 100.
 */

export function clockTicks(): number {
  return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
}

/** utime + stime of `pid` (the process's own threads, not its children), in seconds. */
export function cpuSeconds(pid: number, ticks: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** A field of /proc/PID/status in bytes (VmHWM = peak RSS, VmRSS = current). */
export function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
  };
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** CPU of one process over a window, started now. */
export function cpuMeter(pid: number, ticks: number): { stop(): number } {
  const start = cpuSeconds(pid, ticks);
  return { stop: () => cpuSeconds(pid, ticks) - start };
}
