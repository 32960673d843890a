/*
 * `statusgraph demo`: the simulated services, a generated config for the reference topology, and
 * the exporter with the status page in demo mode. A state file (mode 0600) tells
 * `statusgraph demo fail|heal` where the demo listens and which token to use.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startService, type Service } from '../app.js';
import { ensureDataDir } from '../data-files.js';
import { startupStep } from '../startup-errors.js';
import type { DemoControl } from '../statuspage/router.js';
import { DEMO_TOKEN_ENV, demoConfigYaml } from './config.js';
import { startSimulatedServices, type SimulatedServices } from './services.js';
import { DEMO_TOPOLOGY } from './topology.js';
import { DemoWorld } from './world.js';

export const STATE_FILE = 'demo.json';

export function defaultDemoDir(): string {
  return path.join(os.tmpdir(), `statusgraph-demo-${os.userInfo().uid}`);
}

export interface DemoOptions {
  readonly listen: string;
  readonly dataDir: string;
  readonly intervalMs: number;
  /** Fixed token (tests); a random one otherwise. */
  readonly token?: string;
}

export interface DemoState {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
}

export interface RunningDemo {
  readonly url: string;
  /** The public page of the reference topology, on its own listener. */
  readonly publicUrl: string;
  readonly token: string;
  readonly service: Service;
  readonly stateFile: string;
  stop(): Promise<void>;
}

/**
 * The public page listens next to the demo: the next port when it is free (9471 beside the default
 * 9470, easy to remember), any free port otherwise or when the demo itself takes any.
 */
export async function publicListenFor(listen: string): Promise<string> {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i);
  const port = Number(listen.slice(i + 1));
  if (port === 0 || port >= 65_535) return `${host}:0`;
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port + 1, host.replace(/^\[|\]$/g, '') || undefined, () => probe.close(() => resolve(true)));
  });
  return `${host}:${free ? port + 1 : 0}`;
}

export async function startDemo(o: DemoOptions): Promise<RunningDemo> {
  const token = o.token ?? crypto.randomBytes(18).toString('base64url');
  await startupStep(`data dir ${o.dataDir}`, () => ensureDataDir(o.dataDir));
  // Dependents notice a failure 1.5 intervals late, as services with connection pools do: the
  // root cause is then probed first, and the incident opens for it with the cascade joining.
  const world = new DemoWorld(DEMO_TOPOLOGY, { now: Date.now, propagationMs: Math.round(o.intervalMs * 1.5) });
  const services: SimulatedServices = await startSimulatedServices(world);
  const control: DemoControl = {
    components: () => world.list(),
    async fail(name) {
      world.fail(name);
      await services.sync();
    },
    async heal(name) {
      world.heal(name);
      await services.sync();
    },
    async slow(name) {
      world.slow(name);
    },
  };
  const configFile = path.join(o.dataDir, 'demo.yml');
  fs.writeFileSync(configFile, demoConfigYaml({
    components: DEMO_TOPOLOGY,
    endpoints: services.endpoints,
    intervalMs: o.intervalMs,
    // Simulated services answer in milliseconds; a short deadline keeps the cycle quick.
    timeoutMs: Math.min(1_000, Math.floor(o.intervalMs / 2)),
    listen: o.listen,
    publicListen: await publicListenFor(o.listen),
    dataDir: o.dataDir,
  }), { mode: 0o600 });
  let service: Service;
  try {
    service = await startService({ configFile, env: { ...process.env, [DEMO_TOKEN_ENV]: token }, demo: control });
  } catch (err) {
    await services.close();
    throw err;
  }
  const stateFile = path.join(o.dataDir, STATE_FILE);
  const state: DemoState = { url: service.url, token, pid: process.pid };
  fs.writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
  return {
    url: service.url,
    publicUrl: service.pageUrls.get('public')!,
    token,
    service,
    stateFile,
    async stop() {
      try {
        const s = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as DemoState;
        if (s.pid === process.pid) fs.rmSync(stateFile, { force: true });
      } catch { /* already gone */ }
      await service.stop();
      await services.close();
    },
  };
}

export function readDemoState(dataDir: string): DemoState {
  const file = path.join(dataDir, STATE_FILE);
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no running demo found (${file} is missing): start one with "statusgraph demo"`);
  }
  const s = JSON.parse(raw) as Partial<DemoState>;
  if (typeof s.url !== 'string' || typeof s.token !== 'string') throw new Error(`${file} is not a demo state file`);
  return { url: s.url, token: s.token, pid: Number(s.pid) };
}

/** `statusgraph demo fail|heal <component>`: asks the running demo through its control route. */
export type DemoAction = 'fail' | 'heal' | 'slow';

export async function controlDemo(action: DemoAction, component: string, dataDir: string): Promise<{ components: { name: string; failed: boolean; slow: boolean; broken: boolean }[] }> {
  const s = readDemoState(dataDir);
  let res: Response;
  try {
    res = await fetch(`${s.url}/api/v1/demo/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ component }),
    });
  } catch (err) {
    throw new Error(`the demo at ${s.url} does not answer (${(err as Error).message}); is it still running?`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; components?: { name: string; failed: boolean; slow: boolean; broken: boolean }[] };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return { components: body.components ?? [] };
}
