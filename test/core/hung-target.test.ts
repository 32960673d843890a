import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { HttpTarget } from '../support/targets.js';
import { until } from '../support/ports.js';

// Acceptance 3: a target that accepts and never answers (timeout 1 s, interval 2 s) must not
// delay anyone else: every other component gets a fresh result every cycle.
describe('a hung target', () => {
  let hung: HttpTarget;
  const others: HttpTarget[] = [];
  let exp: RunningExporter;

  beforeAll(async () => {
    hung = await HttpTarget.start();
    hung.set({ hang: true });
    for (let i = 0; i < 6; i++) others.push(await HttpTarget.start());
    exp = await startExporter({ config: `
interval: 2s
timeout: 1s
max_concurrency: 4
components:
  - name: hung
    tier: service
    probes:
      - { kind: http, url: "${hung.url}" }
      - { kind: http, url: "${hung.url}" }
${others.map((t, i) => `  - name: svc-${i}
    tier: service
    probes: [{ kind: http, url: "${t.url}" }]`).join('\n')}
` });
  });
  afterAll(async () => {
    await exp?.stop();
    await Promise.all([hung, ...others].map((t) => t?.down()));
  });

  it('every other component is checked every cycle while the hung one times out', async () => {
    // Watch four cycles: each healthy component's checkedAt must advance once per interval.
    const seen = new Map<string, Set<string>>();
    const start = Date.now();
    await until('four cycles observed', async () => {
      for (const c of await exp.components()) {
        if (!c.probes[0]) continue;
        if (!seen.has(c.name)) seen.set(c.name, new Set());
        seen.get(c.name)!.add(c.probes[0].checkedAt);
      }
      return Date.now() - start > 8_200;
    }, 20_000, 100);
    for (let i = 0; i < 6; i++) {
      const stamps = [...seen.get(`svc-${i}`)!].map(Date.parse).sort();
      expect(stamps.length, `svc-${i}`).toBeGreaterThanOrEqual(4);
      // Never more than one interval between two results; steady spacing once past the start ramp.
      expect(stamps[1]! - stamps[0]!).toBeLessThan(2_500);
      stamps.shift();
      // Consecutive results are one interval apart, not held up by the hung probes' deadlines.
      for (let j = 1; j < stamps.length; j++) {
        expect(stamps[j]! - stamps[j - 1]!).toBeGreaterThan(1_500);
        expect(stamps[j]! - stamps[j - 1]!).toBeLessThan(2_500);
      }
    }
    const c = (await exp.components()).find((x) => x.name === 'hung');
    expect(c).toMatchObject({ state: 'major_outage', reason: 'http: timeout; http-2: timeout' });
    expect(hung.requests).toBeGreaterThanOrEqual(6);
  });
});
