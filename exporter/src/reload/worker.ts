/*
 * The worker thread of a reload: reads and checks the config file off the event loop and posts
 * back plain data (a structured clone of the Config, or the ConfigError's issues). It imports the
 * probe registry itself: the kinds' schemas are code, which cannot cross threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../config/errors.js';
import type { Env } from '../config/interpolate.js';
import { loadConfigFile } from '../config/load.js';
import type { WindowConfig } from '../config/windows.js';
import { PROBE_KINDS } from '../probes/registry.js';
import type { WorkerAnswer } from './load.js';

const { file, env, runTimeWindows } = workerData as { file: string; env: Env; runTimeWindows: WindowConfig[] };
let answer: WorkerAnswer;
try {
  answer = { ok: true, config: loadConfigFile(file, { env, probeKinds: PROBE_KINDS, runTimeWindows }) };
} catch (e) {
  answer = e instanceof ConfigError ? { ok: false, issues: e.issues } : { ok: false, message: (e as Error).message ?? String(e) };
}
parentPort!.postMessage(answer);
