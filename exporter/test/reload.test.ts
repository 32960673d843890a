/*
 * Reload reads and checks the config in a worker thread (issue 14, item 1): while a large config
 * is parsed, /-/healthy still answers. The order of events is asserted, not a duration: the health
 * answer comes before the reload's "config read and checked" line, which the main thread logs as
 * soon as the worker's answer arrives. On the event loop (before), the parse ran inside reload()
 * itself, so the health request could only be answered after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../src/app.js';
import { ConfigError } from '../src/config/errors.js';
import { recordingLogger } from './engine/fakes.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

/** `n` components, each with a tcp probe; probed once an hour so the reloaded monitor stays idle. */
function configText(dataDir: string, n: number, extra = ''): string {
  const lines = ['listen: 127.0.0.1:0', `data_dir: ${JSON.stringify(dataDir)}`, 'interval: 1h', 'timeout: 1s', 'components:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  - name: svc-${i}`, '    tier: service', `    display_name: "Service ${i}"`, '    probes:', '      - kind: tcp', '        address: 127.0.0.1:9');
  }
  return lines.join('\n') + '\n' + extra;
}

async function start(): Promise<{ svc: Service; file: string; dataDir: string; lines: Record<string, unknown>[]; seen: number[] }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-reload-'));
  const dataDir = path.join(root, 'data');
  const file = path.join(root, 'sg.yml');
  fs.writeFileSync(file, configText(dataDir, 1));
  const { logger, lines } = recordingLogger();
  // The component count of every config the service took (the CLI sizes V8's young generation by it).
  const seen: number[] = [];
  const svc = await startService({ configFile: file, logger, staticDir: root, onConfig: (c) => seen.push(c.components.length) });
  cleanups.push(async () => { await svc.stop(); fs.rmSync(root, { recursive: true, force: true }); });
  return { svc, file, dataDir, lines, seen };
}

describe('reload off the event loop', () => {
  it('/-/healthy answers while a config of 10,000 components is read and checked', async () => {
    const { svc, file, dataDir, lines, seen } = await start();
    fs.writeFileSync(file, configText(dataDir, 10_000));
    const parsed = () => lines.some((l) => l.event === 'reload_parsed');
    const order: string[] = [];
    const reload = svc.reload().then(() => { order.push('reloaded'); });
    const health = fetch(`${svc.url}/-/healthy`).then((r) => { order.push(`health ${r.status}, ${parsed() ? 'after' : 'during'} the parse`); });
    await Promise.all([reload, health]);
    expect(order).toEqual(['health 200, during the parse', 'reloaded']);
    const config = svc.config();
    expect(config.components).toHaveLength(10_000);
    expect(config.components[9_999]).toMatchObject({ name: 'svc-9999', displayName: 'Service 9999', probes: [{ kind: 'tcp' }] });
    // Rebuilt from the worker's plain data, and frozen again like a config loaded in place.
    expect(Object.isFrozen(config) && Object.isFrozen(config.components[9_999]!.probes[0])).toBe(true);
    expect(seen).toEqual([1, 10_000]);
  });

  it('a refused config from the worker is a ConfigError with every FILE:LINE:COL, and the running config stays', async () => {
    const { svc, file, dataDir, seen } = await start();
    fs.writeFileSync(file, configText(dataDir, 3, 'unknown_key: 1\n').replace('name: svc-2', 'name: svc-0'));
    const err = await svc.reload().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.length).toBeGreaterThanOrEqual(2);
    expect((err as ConfigError).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `, 'm'));
    expect(svc.config().components.map((c) => c.name)).toEqual(['svc-0']);
    expect(seen).toEqual([1]);
  });
});
