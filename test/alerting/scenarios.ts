import type { Alertmanager } from '../support/alertmanager.js';
import type { SlackMessage, SlackWebhook } from '../support/slack-webhook.js';

/**
 * The alert scenarios of the suite, as Prometheus would post them to Alertmanager (labels and
 * annotations of provisioning/prometheus/rules/alerts.yml), and the bookkeeping that checks
 * "every alert that reached a channel got its recovery there" (issue 15, acceptance 2).
 */

export interface PostedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const outage = (component: string, opts: { rootCause?: string; blastRadius?: string; state?: 'major' | 'partial' } = {}): PostedAlert => {
  const rootCause = opts.rootCause ?? component;
  const impacted = rootCause !== component;
  const state = opts.state ?? 'major';
  const name = state === 'major' ? 'Major outage' : 'Partial outage';
  return {
    labels: { alertname: state === 'major' ? 'StatusgraphMajorOutage' : 'StatusgraphPartialOutage', severity: 'critical', state: `${state}_outage`, component, tier: 'service', root_cause: rootCause, impacted: String(impacted) },
    annotations: { summary: `${component}: ${name}${impacted ? ` (dependency: ${rootCause} unhealthy)` : ''}`, blast_radius: opts.blastRadius ?? '', runbook_url: `https://wiki.example/runbooks/${component}` },
  };
};

const warning = (alertname: string, component: string, summary: string, extra: Record<string, string> = {}): PostedAlert => ({
  labels: { alertname, severity: 'warning', component, tier: 'service', root_cause: component, impacted: 'false', ...extra },
  annotations: { summary, runbook_url: '' },
});

export const alerts = {
  outage,
  degraded: (component: string, extra: Record<string, string> = {}) => warning('StatusgraphDegraded', component, `${component}: Degraded for 5 minutes or more (latency 3.0x baseline)`, { state: 'degraded', ...extra }),
  lag: (component: string) => warning('StatusgraphReplicationLag', component, `${component} lag 12s (threshold: 2s)`),
  queue: (component: string, queue: string) => {
    const a = warning('StatusgraphQueueDepth', component, `${component} queue ${queue} depth 5000 (threshold: 1000)`, { queue });
    const { root_cause: _r, impacted: _i, ...labels } = a.labels;
    return { ...a, labels };
  },
  trend: (component: string) => warning('StatusgraphLatencyTrend', component, `${component}: latency trend will cross 2x baseline within the hour (now 160ms, baseline 100ms)`),
  exporterDown: (instance: string): PostedAlert => ({
    labels: { alertname: 'StatusgraphExporterDown', severity: 'critical', job: 'statusgraph', instance },
    annotations: { summary: `statusgraph exporter ${instance} down or failing to scrape: component states are unknown` },
  }),
  exporterAbsent: (): PostedAlert => ({
    // absent(up{job="statusgraph"}) keeps the selector's equality matchers as labels: job only.
    labels: { alertname: 'StatusgraphExporterAbsent', severity: 'critical', job: 'statusgraph' },
    annotations: { summary: 'statusgraph exporter is not scraped by Prometheus (no job="statusgraph" target)' },
  }),
  /** An SLO burn (rules/slo.yml): of the component's own budget, or charged to an upstream root cause. */
  sloBurn: (speed: 'fast' | 'slow', component: string, rootCause = component): PostedAlert => {
    const own = rootCause === component;
    return {
      labels: {
        alertname: speed === 'fast' ? 'StatusgraphSloFastBurn' : 'StatusgraphSloSlowBurn', severity: speed === 'fast' ? 'critical' : 'warning',
        component, root_cause: rootCause, cause: own ? 'own' : 'upstream', impacted: String(!own),
      },
      annotations: { summary: `${component}: burning its error budget${speed === 'fast' ? ' fast' : ''}${own ? '' : ` because of ${rootCause} (upstream)`}`, runbook_url: '' },
    };
  },
  overrun: (instance: string): PostedAlert => ({
    labels: { alertname: 'StatusgraphProbeCycleOverrun', severity: 'warning', job: 'statusgraph', instance },
    annotations: { summary: `statusgraph probe cycle on ${instance} takes 45s, longer than its interval (30s)` },
  }),
};

const RESOLVED = /^(.*): resolved after (\S+)$/;
export const lines = (m: SlackMessage): string[] => m.text.split('\n');

/** Posts alerts as Prometheus does (same startsAt on every post; endsAt = now to resolve) and awaits their messages. */
export function driver(am: Alertmanager, slack: SlackWebhook) {
  const startsAt = new Map<string, string>();
  const key = (a: PostedAlert) => JSON.stringify(Object.entries(a.labels).sort());
  return {
    async fire(...list: PostedAlert[]): Promise<void> {
      for (const a of list) if (!startsAt.has(key(a))) startsAt.set(key(a), new Date().toISOString());
      await am.postAlerts(list.map((a) => ({ ...a, startsAt: startsAt.get(key(a))! })));
    },
    async resolve(...list: PostedAlert[]): Promise<void> {
      const endsAt = new Date().toISOString();
      await am.postAlerts(list.map((a) => ({ ...a, startsAt: startsAt.get(key(a)) ?? endsAt, endsAt })));
    },
    /** The first message in `channel` that shows `a` firing. */
    firing: (channel: string, a: PostedAlert, timeoutMs = 20_000) =>
      slack.waitFor(`${a.annotations.summary} firing in ${channel}`, (m) => m.channel === channel && lines(m).includes(a.annotations.summary!), timeoutMs),
    /** The first message in `channel` that shows `a` resolved. */
    recovered: (channel: string, a: PostedAlert, timeoutMs = 20_000) =>
      slack.waitFor(`${a.annotations.summary} recovery in ${channel}`, (m) => m.channel === channel && lines(m).some((l) => RESOLVED.exec(l)?.[1] === a.annotations.summary), timeoutMs),
  };
}
export type Driver = ReturnType<typeof driver>;

/** An alert's identity in a message line: its summary, or undefined for a line that is no alert's. */
export type AlertKey = (summaryLine: string) => string | undefined;

/** Identifies the alerts of a known list by their exact summaries. */
export const bySummary = (known: readonly PostedAlert[]): AlertKey => {
  const summaries = new Set(known.map((a) => a.annotations.summary!));
  return (line) => (summaries.has(line) ? line : undefined);
};

/**
 * Per channel: the alerts a message showed firing, and those a message showed resolved
 * ("<summary>: resolved after <duration>"), each identified by `keyOf`.
 */
export function ledger(messages: readonly SlackMessage[], keyOf: AlertKey): Map<string, { fired: Set<string>; recovered: Set<string> }> {
  const out = new Map<string, { fired: Set<string>; recovered: Set<string> }>();
  for (const m of messages) {
    const entry = out.get(m.channel) ?? { fired: new Set<string>(), recovered: new Set<string>() };
    out.set(m.channel, entry);
    for (const l of lines(m)) {
      const r = RESOLVED.exec(l);
      const key = keyOf(r ? r[1]! : l);
      if (key !== undefined) (r ? entry.recovered : entry.fired).add(key);
    }
  }
  return out;
}

export interface Scenario {
  readonly name: string;
  /** Every alert the scenario posts (for the ledger). */
  readonly alerts: readonly PostedAlert[];
  /** Posts, awaits what must arrive and checks what must not. Returns when all its alerts are resolved. */
  run(d: Driver, am: Alertmanager, slack: SlackWebhook): Promise<void>;
}

/** Resolves when Alertmanager still holds `a` as active (not resolved, not muted). */
async function stillActive(am: Alertmanager, a: PostedAlert): Promise<boolean> {
  const found = (await am.alerts()).find((x) => Object.entries(a.labels).every(([k, v]) => x.labels[k] === v));
  return found !== undefined && found.status.state === 'active' && new Date(found.endsAt).getTime() > Date.now();
}

/**
 * `first` fires and is heard, then `second` (which an inhibition could mute `first` with) fires
 * and is heard; `first` ends and its channel must hear that while `second` still fires; then
 * `second` ends and is heard to end.
 */
function endsWhileAnotherFires(name: string, [first, firstChannel]: [PostedAlert, string], [second, secondChannel]: [PostedAlert, string]): Scenario {
  return {
    name,
    alerts: [first, second],
    async run(d, am) {
      await d.fire(first);
      await d.firing(firstChannel, first);
      await d.fire(second);
      await d.firing(secondChannel, second);
      await d.resolve(first);
      await d.recovered(firstChannel, first);
      if (!(await stillActive(am, second))) throw new Error(`${second.annotations.summary} should still be firing when ${firstChannel} hears ${first.annotations.summary} end`);
      await d.resolve(second);
      await d.recovered(secondChannel, second);
    },
  };
}

const root = outage('sc-db', { blastRadius: 'sc-api, sc-web' });
const deps = [outage('sc-api', { rootCause: 'sc-db' }), outage('sc-web', { rootCause: 'sc-db' })];
const degradedSearch = alerts.degraded('sc-search');
const outageSearch = outage('sc-search');
const lag = alerts.lag('sc-replica');
const degradedReplica = alerts.degraded('sc-replica');
const trend = alerts.trend('sc-checkout');
const degradedCheckout = alerts.degraded('sc-checkout');
const overrun = alerts.overrun('sc-exporter:9470');
const exporterDown = alerts.exporterDown('sc-exporter:9470');
const pgRoot = outage('sc-pg', { blastRadius: 'sc-orders' });
const degradedOrders = alerts.degraded('sc-orders', { root_cause: 'sc-pg', impacted: 'true' });
const queue = alerts.queue('sc-rabbitmq', 'orders');
const partialInventory = outage('sc-inventory', { state: 'partial' });
const majorInventory = outage('sc-inventory');
const fastBurnPay = alerts.sloBurn('fast', 'sc-pay');
const outagePay = outage('sc-pay');
const slowBurnStore = alerts.sloBurn('slow', 'sc-store');
const slowBurnCart = alerts.sloBurn('slow', 'sc-cart', 'sc-store');
const exporterDown2 = alerts.exporterDown('sc-exporter-2:9470');
const exporterAbsent = alerts.exporterAbsent();

/** Every scenario the suite drives through the real Alertmanager; recoveries.test.ts runs them all. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a root cause and its dependents: one #engineering message, one recovery',
    alerts: [root, ...deps],
    async run(d, am, slack) {
      await d.fire(root, ...deps);
      await d.firing('#engineering', root);
      await d.resolve(root, ...deps);
      await d.recovered('#engineering', root);
      if (slack.messages.some((m) => deps.some((x) => lines(m).includes(x.annotations.summary!)))) throw new Error('a dependent was announced on its own');
    },
  },
  // The case of prometheus/alertmanager#2754 that the old inhibition (outage mutes the same
  // component's warnings) held back until the outage ended.
  endsWhileAnotherFires('a warning followed by a long outage of the same component: #on-call hears the warning end while the outage goes on',
    [degradedSearch, '#on-call'], [outageSearch, '#engineering']),
  endsWhileAnotherFires('replication lag and degraded on one component: one #on-call group, each end announced',
    [degradedReplica, '#on-call'], [lag, '#on-call']),
  endsWhileAnotherFires('a latency trend that comes true: the trend ends while the degradation goes on',
    [trend, '#on-call'], [degradedCheckout, '#on-call']),
  endsWhileAnotherFires('a probe-cycle overrun, then the exporter down: the overrun end reaches #on-call',
    [overrun, '#on-call'], [exporterDown, '#engineering']),
  endsWhileAnotherFires('a degraded dependent, then its root cause out: the dependent\'s warning is not muted, its end reaches #on-call',
    [degradedOrders, '#on-call'], [pgRoot, '#engineering']),
  endsWhileAnotherFires('a partial outage that turns major: #engineering hears the partial end while the major goes on',
    [partialInventory, '#engineering'], [majorInventory, '#engineering']),
  endsWhileAnotherFires('an SLO fast burn, then its component\'s outage (one root-cause group): the burn\'s end is heard while the outage goes on',
    [fastBurnPay, '#engineering'], [outagePay, '#engineering']),
  endsWhileAnotherFires('an SLO slow burn charged to its root cause beside the root cause\'s own: one #on-call ticket, each end announced',
    [slowBurnCart, '#on-call'], [slowBurnStore, '#on-call']),
  endsWhileAnotherFires('the exporter down, then dropped from the scrape config (absent): the down alert\'s end reaches #engineering',
    [exporterDown2, '#engineering'], [exporterAbsent, '#engineering']),
  {
    name: 'a queue over its depth threshold',
    alerts: [queue],
    async run(d) {
      await d.fire(queue);
      await d.firing('#on-call', queue);
      await d.resolve(queue);
      await d.recovered('#on-call', queue);
    },
  },
];
