import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { startAlertmanager, alertmanagerConfigFromRepo, localSlackFiles, type Alertmanager } from '../support/alertmanager.js';
import { tempDir } from '../support/tmp.js';
import { SCENARIOS, driver, ledger, bySummary, type Driver } from './scenarios.js';

// Issue 15, acceptance 2: every alert that reached a channel gets its recovery there, in every
// scenario of the suite, with the real Alertmanager (Debian 0.25) and the committed routes,
// inhibitions and templates. Each scenario awaits each recovery while whatever could have muted
// it (an outage of the same component, the exporter down, the root cause) is still firing, so a
// recovery held back by an inhibition (prometheus/alertmanager#2754) fails its wait.

describe('every recovery reaches the channel that heard the alert', () => {
  const dir = tempDir('statusgraph-recoveries-');
  let slack: SlackWebhook;
  let am: Alertmanager;
  let d: Driver;
  const done: string[] = [];

  beforeAll(async () => {
    slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] });
    am = await startAlertmanager(alertmanagerConfigFromRepo({ ...localSlackFiles(dir.path, slack.webhook), groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' }));
    d = driver(am, slack);
  });

  afterAll(async () => {
    await am?.stop();
    await slack?.stop();
    dir.remove();
  });

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      await s.run(d, am, slack);
      done.push(s.name);
    });
  }

  it('counted per channel over all scenarios: each alert shown firing was shown resolved in the same channel', () => {
    expect(done).toEqual(SCENARIOS.map((s) => s.name));
    const counts = ledger(slack.messages, bySummary(SCENARIOS.flatMap((s) => s.alerts)));
    const summary = Object.fromEntries([...counts].map(([channel, c]) => [channel, { fired: c.fired.size, recovered: c.recovered.size }]));
    console.log(`[recoveries] ${JSON.stringify(summary)}`);
    expect([...counts.keys()].sort()).toEqual(['#engineering', '#on-call']);
    for (const [channel, c] of counts) {
      expect([...c.recovered].sort(), channel).toEqual([...c.fired].sort());
    }
    // Outages (root causes and the exporter) in #engineering, slow burns in #on-call, nothing else.
    expect(counts.get('#engineering')!.fired.size).toBe(4);
    expect(counts.get('#on-call')!.fired.size).toBe(8);
    expect(slack.rejected).toEqual([]);
  });
});
