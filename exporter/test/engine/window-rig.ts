/* The engine under a maintenance window, shared by the engine's and the incident rules' window tests. */
import { Monitor } from '../../src/engine/monitor.js';
import type { WindowRef } from '../../src/engine/snapshot.js';
import type { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import { engineConfig, FakeClock, FakeWorld, recordingLogger } from './fakes.js';

/**
 * db (recover_after 2, the tail after its window) under orders and payments, orders also on a
 * cache of its own; db covered by `window`. The monitor is not started, so a caller can subscribe first.
 */
export function windowRig(window: WindowRef, epoch: number, http: HttpDispatchers) {
  const clock = new FakeClock();
  const world = new FakeWorld(clock);
  const cover = new Map<string, WindowRef>([['db', window]]);
  const config = engineConfig([
    { name: 'db', recoverAfter: 2, tier: 'infrastructure' }, { name: 'cache', tier: 'infrastructure' },
    { name: 'orders', dependsOn: ['db', 'cache'] }, { name: 'payments', dependsOn: ['db'] },
  ]);
  const m = new Monitor({ config, kinds: new Map([['fake', world.kind()]]), logger: recordingLogger().logger, now: () => epoch + clock.now(), http, clock, cover: () => cover });
  return { clock, world, cover, m };
}
