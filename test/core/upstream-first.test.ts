import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { chainComponents, startChain, type HttpTarget, type TcpTarget } from '../support/targets.js';
import { until } from '../support/ports.js';

// With a long interval, components are probed at offsets 0, 3.3 and 6.7 s: the api's turn comes
// before the db's. When both break at once, the api's failure must not be taken for a root
// cause for the seconds until the db's turn: its dependencies are probed at once.
describe('a dependent failing before its dependency is probed', () => {
  let db: TcpTarget, api: HttpTarget, web: HttpTarget;
  let exp: RunningExporter;

  beforeAll(async () => {
    const chain = await startChain();
    ({ db, api, top: web } = chain);
    exp = await startExporter({ config: `
interval: 10s
timeout: 1s
${chainComponents(chain, 'web')}` });
  });
  afterAll(async () => {
    await exp?.stop();
    await Promise.all([db?.down(), api?.down(), web?.down()]);
  });

  it('probes the dependencies at once and names the real root cause in the first transition', async () => {
    const dbChecks = () => exp.components().then((c) => c.find((x) => x.name === 'db').probes[0].checkedAt as string);
    const before = await dbChecks();
    await db.down();
    api.set({ status: 503 });
    const apiChange = await until('api transition', () => exp.logLines().find((l) => l.event === 'state_change' && l.component === 'api'), 15_000, 20);
    // The first transition logged for api already names db: db was probed out of turn.
    expect(apiChange).toMatchObject({ from: 'operational', to: 'major_outage', root_cause: 'db' });
    // db's line may come in a later stdout chunk than api's: wait for it rather than read at once.
    const dbChange = await until('db transition', () => exp.logLines().find((l) => l.event === 'state_change' && l.component === 'db'), 5_000, 20);
    expect(dbChange).toMatchObject({ to: 'major_outage', reason: 'refused' });
    expect(Math.abs(Date.parse(String(dbChange.time)) - Date.parse(String(apiChange.time)))).toBeLessThan(1_000);
    expect(await dbChecks()).not.toBe(before);
    const c = new Map((await exp.components()).map((x) => [x.name, x]));
    expect(c.get('web')).toMatchObject({ impacted: true, rootCauses: ['db'] });
  });
});
