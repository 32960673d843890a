import fs from 'node:fs';
import path from 'node:path';
import { machineInfo } from './proc.js';

/**
 * Writes one benchmark's results to `<dir>/<name>-<time>.json`, stamped with the time and the
 * machine, and says where on stderr (stdout carries the JSON result lines).
 */
export function writeResults(dir: string, name: string, body: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = path.join(dir, `${name}-${at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ at, machine: machineInfo(), ...body }, null, 2)}\n`);
  console.error(`written ${path.relative(process.cwd(), file)}`);
  return file;
}
