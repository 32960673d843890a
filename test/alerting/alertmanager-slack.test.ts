import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSlackWebhook, type SlackWebhook } from '../support/slack-webhook.js';
import { startAlertmanager, alertmanagerConfigFromRepo, localSlackFiles, type Alertmanager } from '../support/alertmanager.js';
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

const GRAFANA = 'https://grafana.example:3000';

describe('Alertmanager routing, inhibition and Slack wording', () => {
  let slack: SlackWebhook;
  let am: Alertmanager;
  const dir = tempDir('statusgraph-am-test-');

  beforeAll(async () => {
    slack = await startSlackWebhook({ channels: ['#engineering', '#on-call'] });
    am = await startAlertmanager(alertmanagerConfigFromRepo({ ...localSlackFiles(dir.path, slack.webhook, GRAFANA), groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' }));
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
    // The way forward: root cause, dashboard filtered to it, a silence for the group.
    expect(firing.text).toContain('Root cause: postgresql-primary');
    expect(firing.body.attachments?.[0]?.title_link).toBe(`${GRAFANA}/d/statusgraph-overview?var-component=postgresql-primary`);
    expect(firing.text).toContain(`Dashboard: <${GRAFANA}/d/statusgraph-overview?var-component=postgresql-primary|postgresql-primary in Grafana>`);
    expect(firing.text).toContain(`Silence: <${am.url}/#/silences/new?filter=%7Broot_cause%3D%22postgresql-primary%22%7D|silence this group>`);
    // No `channel` is sent: an app webhook would ignore it, the URL decides (Alertmanager still
    // sends its default username, ignored as well).
    expect(firing.ignored.channel).toBeUndefined();

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
    const engineering = slack.inChannel('#engineering');
    expect(engineering).toHaveLength(2);
    expect(slack.inChannel('#on-call')).toEqual([]);
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
    // One message for the component, the specific line and the generic one together: no alert is
    // muted, so each one's end will be announced (an inhibited alert's would not be, #2754).
    expect(msg.text).toContain('postgresql-replica: Degraded for 5 minutes or more');
    expect(slack.inChannel('#on-call').filter((m) => m.text.includes('postgresql-replica'))).toHaveLength(1);
    expect((await am.alerts()).filter((x) => x.labels.component === 'postgresql-replica').map((x) => x.status.state)).toEqual(['active', 'active']);
    expect(slack.inChannel('#engineering').some((m) => m.text.includes('postgresql-replica'))).toBe(false);
  });

  it('the silence link of a message silences exactly its group', async () => {
    const msg = await slack.waitFor('lag in #on-call', (m) => m.channel === '#on-call' && m.text.includes('lag'));
    const link = /Silence: <([^|>]+)\|/.exec(msg.text)?.[1];
    expect(link).toBeDefined();
    expect(link!.startsWith(`${am.url}/#/silences/new?filter=`)).toBe(true);
    const filter = decodeURIComponent(new URL(link!.replace('/#/', '/')).searchParams.get('filter')!);
    // Group labels missing from the alerts (instance, for a component's warning) are left out.
    expect(filter).toBe('{component="postgresql-replica"}');
    // The same matchers, as the silence form would submit them.
    const matchers = [...filter.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => ({ name: name!, value: value!, isRegex: false, isEqual: true }));
    const r = await fetch(`${am.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ matchers, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'test', comment: 'from the Slack link' }) });
    expect(r.ok, await r.text()).toBe(true);
    await until('the group silenced', async () => (await am.alerts()).filter((x) => x.labels.component === 'postgresql-replica').every((x) => x.status.silencedBy.length === 1));
    expect((await am.alerts()).filter((x) => x.labels.component !== 'postgresql-replica').every((x) => x.status.silencedBy.length === 0)).toBe(true);
  });

  it('a group of 60 alerts with long annotations stays within Slack\'s limits and says how many it shows', async () => {
    const long = 'x'.repeat(5000);
    const many = Array.from({ length: 60 }, (_, i) => ({
      labels: { alertname: 'StatusgraphDegraded', severity: 'warning', state: 'degraded', component: 'huge', tier: 'service', root_cause: `rc-${i}`, impacted: 'true' },
      annotations: { summary: `huge: Degraded for 5 minutes or more #${i} ${long}`, runbook_url: `https://wiki.example/${long}` },
    }));
    await am.postAlerts(many);
    const msg = await slack.waitFor('the huge group', (m) => m.channel === '#on-call' && m.text.includes('huge: Degraded'));
    expect(msg.text).toContain('(20 of 60 firing alerts shown: see Alertmanager)');
    expect(msg.text).toContain(`huge: Degraded for 5 minutes or more #0 ${'x'.repeat(100)}`);
    expect(msg.text).toContain('…');
    expect(String(msg.body.attachments?.[0]?.text).length).toBeLessThan(40_000);
  });

  it('the stand-in rejected nothing Alertmanager sent', () => {
    expect(slack.messages.length).toBeGreaterThan(0);
    expect(slack.rejected).toEqual([]);
  });
});
