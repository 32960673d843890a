/*
 * Loading a config for a reload without stalling the server: the parse and every check run in a
 * worker thread (reload/worker.ts), so /metrics and /-/healthy keep answering. A 4 MiB config (the
 * largest accepted) took seconds on the event loop. The start-up load stays synchronous: nothing
 * is served yet. The Config comes back as a structured clone (it is plain data: strings,
 * numbers, arrays, objects) and is frozen again here; a ConfigError comes back as its issues.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import type { Env } from '../config/interpolate.js';
import { deepFreeze } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { WindowConfig } from '../config/windows.js';

export type WorkerAnswer =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] }
  | { readonly ok: false; readonly message: string };

/** The built worker next to this module; from the TypeScript sources (vitest), the built one in dist/. */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  return fs.existsSync(here) ? here : new URL('../../dist/reload/worker.js', import.meta.url);
}

/**
 * Reads and checks `file` in a worker thread; rejects with a ConfigError as loadConfigFile does.
 * `runTimeWindows`: the maintenance windows created at run time that the config may not overlap.
 */
export function loadConfigOffThread(file: string, env: Env, runTimeWindows: readonly WindowConfig[] = []): Promise<Config> {
  return new Promise((resolve, reject) => {
    // process.env is a host object: copied to plain data for the clone.
    const worker = new Worker(workerUrl(), { workerData: { file, env: { ...env }, runTimeWindows } });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.once('message', (a: WorkerAnswer) => settle(() => {
      if (a.ok) resolve(deepFreeze(a.config));
      else reject('issues' in a ? new ConfigError(a.issues) : new Error(a.message));
    }));
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`config worker exited with code ${code} before answering`))));
  });
}
