import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { startAlertmanager, alertmanagerConfigFromRepo, type Alertmanager } from '../support/alertmanager.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/ports.js';

// The committed routes, inhibitions and Slack templates, run by the real Alertmanager (Debian's
// 0.25) against the Slack stand-in. Alerts are posted the way Prometheus posts them, with the
// labels and annotations provisioning/prometheus/rules/alerts.yml produces.

const root = {
  labels: { alertname: 'StatusgraphMajorOutage', severity: 'critical', state: 'major_outage', component: 'postgresql-primary', tier: 'infrastructure', root_cause: 'postgresql-primary', impacted: 'false' },
  annotations: { summary: 'postgresql-primary: Major outage', blast_radius: 'orders, payments', runbook_url: 'https://wiki.example/runbooks/pg' },
};
const dependent = (component: string, rootCause = 'postgresql-primary') => ({
  labels: { alertname: 'StatusgraphMajorOutage', severity: 'critical', state: 'major_outage', component, tier: 'service', root_cause: rootCause, impacted: 'true' },
  annotations: { summary: `${component}: Major outage (dependency: ${rootCause} unhealthy)`, blast_radius: '', runbook_url: '' },
});
const lag = {
  labels: { alertname: 'StatusgraphReplicationLag', severity: 'warning', component: 'postgresql-replica', tier: 'infrastructure', root_cause: 'postgresql-replica', impacted: 'false' },
  annotations: { summary: 'postgresql-replica lag 12s (threshold: 2s)', runbook_url: '' },
};
const degradedReplica = {
  labels: { alertname: 'StatusgraphDegraded', severity: 'warning', state: 'degraded', component: 'postgresql-replica', tier: 'infrastructure', root_cause: 'postgresql-replica', impacted: 'false' },
  annotations: { summary: 'postgresql-replica: Degraded for 5 minutes or more', runbook_url: '' },
};

describe('Alertmanager routing, inhibition and Slack wording', () => {
  let slack: SlackWebhook;
  let am: Alertmanager;
  const dir = tempDir('statusgraph-am-test-');

  beforeAll(async () => {
    slack = await startSlackWebhook();
    const urlFile = path.join(dir.path, 'slack-webhook-url');
    fs.writeFileSync(urlFile, slack.url, { mode: 0o600 });
    am = await startAlertmanager(alertmanagerConfigFromRepo({ slackUrlFile: urlFile, groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' }));
  });

  afterAll(async () => {
    await am?.stop();
    await slack?.stop();
    dir.remove();
  });

  it('one root cause gives one #engineering message with its blast radius; dependents are inhibited', async () => {
    const startsAt = new Date(Date.now() - 200_000);
    await am.postAlerts([root, dependent('orders'), dependent('payments')].map((a) => ({ ...a, startsAt: startsAt.toISOString() })));

    const firing = await slack.waitFor('firing in #engineering', (m) => m.channel === '#engineering' && m.text.includes('Major outage'));
    expect(firing.text).toContain('postgresql-primary: Major outage');
    expect(firing.text).toContain('Blast radius: orders, payments');
    expect(firing.text).toContain('Runbook: https://wiki.example/runbooks/pg');
    expect(firing.text).not.toContain('(dependency:');
    expect(firing.body.attachments?.[0]).toMatchObject({ title: 'Outage: postgresql-primary', color: 'danger' });
    expect(firing.body.username).toBe('statusgraph');

    const alerts = await am.alerts();
    const byComponent = new Map(alerts.map((a) => [a.labels.component, a]));
    expect(byComponent.get('orders')?.status.state).toBe('suppressed');
    expect(byComponent.get('orders')?.status.inhibitedBy.length).toBe(1);
    expect(byComponent.get('payments')?.status.state).toBe('suppressed');
    expect(byComponent.get('postgresql-primary')?.status.state).toBe('active');

    // Recovery: everything resolves 3m12s after it started.
    const endsAt = new Date(startsAt.getTime() + 192_000);
    await am.postAlerts([root, dependent('orders'), dependent('payments')].map((a) => ({ ...a, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() })));
    const resolved = await slack.waitFor('resolved in #engineering', (m) => m.channel === '#engineering' && m.text.includes('resolved after'));
    expect(resolved.text).toContain('postgresql-primary: Major outage: resolved after 3m12s');
    expect(resolved.text).not.toContain('(dependency:');
    expect(resolved.body.attachments?.[0]).toMatchObject({ title: 'Recovered: postgresql-primary', color: 'good' });

    // Every notification of that group is one of those two: no per-dependent message got out.
    const engineering = slack.messages.filter((m) => m.channel === '#engineering');
    expect(engineering).toHaveLength(2);
  });

  it('an impacted dependent is never announced on its own, even while its root cause is not firing', async () => {
    const lonely = dependent('search', 'elasticsearch');
    await am.postAlerts([lonely]);
    const group = await until('search alert grouped', async () => (await am.groups()).find((g) => g.alerts.some((a) => a.labels.component === 'search')));
    expect(group.receiver.name).toBe('blast-radius');
    const alert = group.alerts.find((a) => a.labels.component === 'search');
    expect(alert?.status.state).toBe('active');
    // Its root cause's own alert then gets the one message; the dependent is inhibited by it.
    await am.postAlerts([{ ...root, labels: { ...root.labels, component: 'elasticsearch', tier: 'infrastructure', root_cause: 'elasticsearch' }, annotations: { ...root.annotations, summary: 'elasticsearch: Major outage', blast_radius: 'search' } }]);
    const msg = await slack.waitFor('elasticsearch outage', (m) => m.text.includes('elasticsearch: Major outage'), 20_000);
    expect(msg.channel).toBe('#engineering');
    expect(msg.text).toContain('Blast radius: search');
    await until('search inhibited by elasticsearch', async () => (await am.alerts()).find((a) => a.labels.component === 'search')?.status.state === 'suppressed');
    expect(slack.messages.some((m) => /(^|\n)search: Major outage/.test(m.text))).toBe(false);
  });

  it('replication lag goes to #on-call, and replaces the generic degraded alert of the same component', async () => {
    await am.postAlerts([lag, degradedReplica]);
    const msg = await slack.waitFor('lag in #on-call', (m) => m.channel === '#on-call' && m.text.includes('lag'));
    expect(msg.text).toContain('postgresql-replica lag 12s (threshold: 2s)');
    expect(msg.body.attachments?.[0]).toMatchObject({ title: 'Warning: postgresql-replica', color: 'warning' });
    await until('degraded alert inhibited', async () => {
      const a = (await am.alerts()).find((x) => x.labels.alertname === 'StatusgraphDegraded');
      return a?.status.state === 'suppressed';
    });
    expect(slack.messages.some((m) => m.text.includes('Degraded for 5 minutes'))).toBe(false);
  });

  it('the stand-in rejected nothing Alertmanager sent', () => {
    expect(slack.rejected).toEqual([]);
  });
});
