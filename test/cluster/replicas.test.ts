import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.js';
import { metricValue, startExporter, type RunningExporter } from '../support/exporter.js';
import { HttpTarget } from '../support/targets.js';
import { freePort, until } from '../support/ports.js';
import { assign } from '../../exporter/src/cluster/assign.js';
import { startWebhookRecorder } from '../support/webhook-recorder.js';
import { startGrafanaStandIn } from '../support/grafana.js';
import { startSlackApi } from '../support/slack-api.js';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// Issue 22, acceptance 2 and 3, with real processes: three replicas of one config (each with its
// name and its route to the targets from the environment) sharing one real PostgreSQL, which is
// also their incident store (store: postgres): one set of incidents and one outbox for all.

const TOKEN = 'cluster-e2e-token-3b9d21';
const auth = { authorization: `Bearer ${TOKEN}` };
const INTERVAL_MS = 2_000;
const COMPONENTS = 12;

let db: PostgresCluster;
let target: HttpTarget;
let closedPort: number;
const running: RunningExporter[] = [];

/** `more`: components after the twelve (written as YAML list items). */
const config = (extra = '', more = '') => `${extra}
interval: ${INTERVAL_MS}ms
timeout: 1s
auth:
  tokens: [${TOKEN}]
store:
  kind: postgres
  dsn: \${PG_DSN}
cluster:
  name: \${REPLICA}
  location: \${LOCATION}
  lease: ${INTERVAL_MS}ms
components:
${Array.from({ length: COMPONENTS }, (_, i) => `  - name: svc-${i}
    tier: service
    probes: [{ kind: http, url: "\${TARGET}" }]`).join('\n')}
${more}`;

/** One replica; `broken`: its own route to the targets leads nowhere (a closed port). */
async function replica(name: string, broken = false, extra = { config: '', env: {} as Record<string, string>, more: '' }, waitReady = true): Promise<RunningExporter> {
  const r = await startExporter({
    config: config(extra.config, extra.more),
    headers: auth,
    waitReady,
    env: { REPLICA: name, LOCATION: broken ? 'far' : 'near', PG_DSN: db.primary.dsn(), TARGET: broken ? `http://127.0.0.1:${closedPort}/health` : target.url, ...extra.env },
  });
  running.push(r);
  return r;
}

async function lease() {
  const rows = await db.primary.query<{ holder: string | null; token: string; acquired_ms: number; valid: boolean }>(
    `SELECT holder, token::text, extract(epoch FROM acquired_at) * 1000 AS acquired_ms, expires_at > clock_timestamp() AS valid FROM cluster_lease`);
  return rows[0]!;
}

const leaderOf = async (names: readonly string[]) => {
  await until('a leader', async () => { const l = await lease(); return l.valid && names.includes(l.holder!); }, 30_000, 50);
  return lease();
};

const incidents = async (r: RunningExporter) => ((await (await fetch(`${r.url}/api/v1/incidents`, { headers: auth })).json()) as { incidents: unknown[] }).incidents;
const rounds = async (r: RunningExporter, c: string) => metricValue(await r.metrics(), 'statusgraph_component_rounds_total', { component: c }) ?? 0;

beforeAll(async () => {
  [db, target, closedPort] = await Promise.all([startPostgresCluster({ replica: false }), HttpTarget.start(), freePort()]);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  // Each test starts from an empty cluster and no incidents (the tables exist once a replica has started).
  await db.primary.query(`DO $$ BEGIN
    IF to_regclass('cluster_lease') IS NOT NULL THEN
      TRUNCATE cluster_replicas, cluster_results, cluster_events;
      UPDATE cluster_lease SET holder = NULL, expires_at = '-infinity';
      TRUNCATE incidents, timeline, incident_changes, sink_outbox, sink_state, public_incidents, public_updates RESTART IDENTITY;
    END IF;
  END $$`);
});

afterAll(async () => {
  await target?.down();
  await db?.destroy();
});

describe('three replicas on one PostgreSQL', () => {
  it('kill -9 of the leader: another leads within two intervals, under the next fencing token, and takes over its share', async () => {
    const names = ['k-a', 'k-b', 'k-c'];
    const rs = await Promise.all(names.map((n) => replica(n)));
    const before = await leaderOf(names);
    const leader = rs[names.indexOf(before.holder!)]!;
    const survivors = rs.filter((r) => r !== leader);
    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    await until('another leader', async () => { const l = await lease(); return l.valid && l.holder !== before.holder; }, 30_000, 20);
    const after = await lease();
    const tookMs = after.acquired_ms - killedAt;
    console.log(`failover: ${Math.round(tookMs)} ms after kill -9 (interval ${INTERVAL_MS} ms, lease ${INTERVAL_MS} ms)`);
    expect(BigInt(after.token)).toBe(BigInt(before.token) + 1n);
    expect(tookMs).toBeLessThanOrEqual(2 * INTERVAL_MS);
    const newLeader = survivors[names.filter((n) => n !== before.holder).indexOf(after.holder!)]!;
    expect(newLeader.logLines().some((l) => l.event === 'lease_acquired')).toBe(true);
    expect(metricValue(await newLeader.metrics(), 'statusgraph_replica_leader', { replica: after.holder! })).toBe(1);
    // Once the dead replica is out of the membership, each of the two survivors probes every component (R = 2).
    await until('the survivors to rebalance', async () => {
      const m = await newLeader.metrics();
      return metricValue(m, 'statusgraph_replica_up', { replica: before.holder! }) === 0
        && survivors.every((s) => metricValue(m, 'statusgraph_replica_assigned_components', { replica: names[rs.indexOf(s)]! }) === COMPONENTS);
    }, 30_000, 100);
    for (const s of survivors) expect((await s.components()).every((c) => c.state === 'operational')).toBe(true);
  });

  it('SIGSTOP of the leader past its lease, then SIGCONT: it stops leading without writing, and says so', async () => {
    const names = ['s-a', 's-b', 's-c'];
    const rs = await Promise.all(names.map((n) => replica(n)));
    const before = await leaderOf(names);
    const leader = rs[names.indexOf(before.holder!)]!;
    leader.process.kill('SIGSTOP');
    await until('another leader', async () => { const l = await lease(); return l.valid && l.holder !== before.holder; }, 30_000, 20);
    const after = await lease();
    leader.process.kill('SIGCONT');
    await until('the former leader to log that it lost the lease', async () => leader.logLines().some((l) => l.event === 'lease_lost'), 30_000, 50);
    const lost = leader.logLines().find((l) => l.event === 'lease_lost')!;
    expect(lost.token).toBe(before.token);
    expect(String(lost.msg)).toContain('lost the lease');
    expect(metricValue(await leader.metrics(), 'statusgraph_replica_leader', { replica: before.holder! })).toBe(0);
    // Nothing was written under the old token once the new term began.
    const late = await db.primary.query(`SELECT 1 FROM cluster_events WHERE token = $1 AND at >= to_timestamp($2 / 1000.0)`, [before.token, after.acquired_ms]);
    expect(late).toHaveLength(0);
    const l = await lease();
    expect(l.holder).toBe(after.holder);
    expect(l.token).toBe(after.token);
  });

  it('SIGSTOP of the leader, then an outage: the new leader records and delivers the incident once; the thawed former one neither', async () => {
    const hook = await startWebhookRecorder();
    try {
      const extra = {
        config: `webhooks:\n  - name: rec\n    url: \${HOOK_URL}\n    token: \${HOOK_TOKEN}\n`,
        env: { HOOK_URL: hook.url, HOOK_TOKEN: hook.token },
        more: '',
      };
      const names = ['w-a', 'w-b', 'w-c'];
      const rs = await Promise.all(names.map((n) => replica(n, false, extra)));
      const before = await leaderOf(names);
      const paused = rs[names.indexOf(before.holder!)]!;
      paused.process.kill('SIGSTOP');
      await until('another leader', async () => { const l = await lease(); return l.valid && l.holder !== before.holder; }, 30_000, 20);
      const leader = rs[names.indexOf((await lease()).holder!)]!;
      target.set({ status: 503 });
      await until('the incident webhooks', async () => (await incidents(leader)).length > 0
        && hook.applied().filter((r) => r.body.change.kind === 'opened').length === (await incidents(leader)).length, 30_000, 100);
      paused.process.kill('SIGCONT');
      await until('the former leader to see the outage too', async () => (await paused.components()).every((c) => c.state !== 'operational'), 30_000, 100);
      const start = await rounds(paused, 'svc-0');
      await until('two more rounds on the former leader', async () => (await rounds(paused, 'svc-0')) >= start + 2, 30_000, 100);
      expect(paused.logLines().some((l) => l.event === 'lease_lost')).toBe(true);
      // One store: the former leader reads the new leader's incidents, one per root cause, and wrote none.
      const recorded = (await incidents(leader)) as { id: string; rootCause: string }[];
      expect(await incidents(paused)).toEqual(recorded);
      expect(new Set(recorded.map((i) => i.rootCause)).size).toBe(recorded.length);
      const opened = hook.applied().filter((r) => r.body.change.kind === 'opened').map((r) => r.body.incident.id);
      expect(opened.length).toBe(recorded.length);
      expect(new Set(opened).size).toBe(opened.length);
      expect(hook.received().length).toBe(hook.applied().length);
      expect(hook.violations()).toEqual([]);
    } finally {
      target.set({ status: 200 });
      await hook.close();
    }
  });

  it('one incident open, kill -9 of the leader: the next leader keeps ONE incident, and every annotation and thread reply goes out once', async () => {
    const CHANNEL = 'C0CLUSTER1';
    const [grafana, slack, pay] = await Promise.all([startGrafanaStandIn(), startSlackApi({ channels: [{ id: CHANNEL, name: 'incidents' }] }), HttpTarget.start()]);
    try {
      const extra = {
        config: `grafana:\n  url: ${grafana.url}\n  token: \${GRAFANA_TOKEN}\nslack:\n  bot_token: \${SLACK_BOT_TOKEN}\n  incident_channel: ${CHANNEL}\n  api_url: ${slack.url}\n`,
        env: { GRAFANA_TOKEN: grafana.token, SLACK_BOT_TOKEN: slack.token, PAY_URL: pay.url },
        more: '  - name: pay\n    tier: service\n    probes: [{ kind: http, url: "${PAY_URL}" }]\n',
      };
      const names = ['o-a', 'o-b', 'o-c'];
      const rs = await Promise.all(names.map((n) => replica(n, false, extra)));
      const before = await leaderOf(names);
      const leader = rs[names.indexOf(before.holder!)]!;
      const pending = async () => (await db.primary.query('SELECT 1 FROM sink_outbox')).length;
      pay.set({ status: 503 });
      await until('the incident, its annotation and its Slack message, the outbox drained', async () => {
        const open = (await incidents(leader)) as { id: string }[];
        return open.length === 1 && grafana.annotations().length === 1 && slack.topMessages(CHANNEL).length === 1 && (await pending()) === 0;
      }, 30_000, 100);
      const [inc] = (await incidents(leader)) as { id: string; rootCause: string; resolvedAt: string | null }[];
      expect(inc!.rootCause).toBe('pay');

      const killedAt = Date.now();
      await leader.kill('SIGKILL');
      await until('another leader', async () => { const l = await lease(); return l.valid && l.holder !== before.holder; }, 30_000, 20);
      const after = await lease();
      expect(after.acquired_ms - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS);
      const next = rs[names.indexOf(after.holder!)]!;

      // The new leader resolves the incident the dead one opened, and delivers what follows.
      pay.set({ status: 200 });
      await until('the incident resolved and every change delivered', async () => {
        const all = (await incidents(next)) as { resolvedAt: string | null }[];
        return all.length === 1 && all[0]!.resolvedAt !== null && (await pending()) === 0;
      }, 30_000, 100);
      // Two more rounds on every survivor: nothing more may come.
      const survivors = rs.filter((r) => r !== leader);
      const start = await Promise.all(survivors.map((r) => rounds(r, 'pay')));
      await until('two more rounds', async () => (await Promise.all(survivors.map((r) => rounds(r, 'pay')))).every((n, i) => n >= start[i]! + 2), 30_000, 100);

      for (const r of survivors) expect(((await incidents(r)) as { id: string }[]).map((i) => i.id)).toEqual([inc!.id]);
      // Grafana: one annotation, created by one POST, closed (timeEnd) by the new leader.
      const annotations = grafana.annotations();
      expect(annotations).toHaveLength(1);
      expect(annotations[0]!.tags).toContain(`incident:${inc!.id}`);
      expect(annotations[0]!.timeEnd).toBeGreaterThan(annotations[0]!.time);
      expect(grafana.requests().filter((q) => q.method === 'POST' && q.status < 300)).toHaveLength(1);
      expect(grafana.violations()).toEqual([]);
      // Slack: one thread; each change after the opening replied exactly once, in order.
      const tops = slack.topMessages(CHANNEL);
      expect(tops).toHaveLength(1);
      const changes = await db.primary.query<{ seq: number; kind: string }>('SELECT seq, kind FROM incident_changes ORDER BY seq');
      expect(changes.map((c) => c.kind)).toContain('resolved');
      const replied = slack.replies(CHANNEL, tops[0]!.ts).map((m) => Number(m.metadata?.event_payload.seq));
      expect(replied).toEqual(changes.filter((c) => c.kind !== 'opened').map((c) => Number(c.seq)));
      expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1 + replied.length);
    } finally {
      pay.set({ status: 200 });
      await Promise.all([grafana.close(), slack.close(), pay.down()]);
    }
  });

  it('one replica\'s route to the targets broken: no outage, no incident, one "checker unhealthy" message', async () => {
    // The broken one started first (it usually leads), the others right behind it: until it has
    // seen them it must not take its own route for an outage (it cannot be ready before they join
    // either). Started after it led instead, the others joined past its warm-up (one lease + one
    // interval, 4 s here) on a loaded machine, and a replica alone that long decides alone, as it
    // must when it really is the last one (exporter/test/cluster/merge.test.ts covers the
    // warm-up itself on a fake clock).
    const started = replica('h-c', true, undefined, false);
    const rs = [...await Promise.all([replica('h-a'), replica('h-b')]), await started];
    const broken = rs[2]!;
    await leaderOf(['h-a', 'h-b', 'h-c']);
    await until('the first replica to be ready', async () => (await fetch(`${broken.url}/-/ready`)).ok, 30_000, 100);
    const said = () => rs.flatMap((r) => r.logLines().filter((l) => l.event === 'checker_unhealthy'));
    await until('the checker unhealthy message', async () => said().length > 0, 30_000, 100);
    // Two more decided rounds of every component everywhere, then look.
    const start = await Promise.all(rs.map((r) => rounds(r, 'svc-0')));
    await until('two more rounds', async () => (await Promise.all(rs.map((r) => rounds(r, 'svc-0')))).every((n, i) => n >= start[i]! + 2), 30_000, 100);
    expect(said()).toHaveLength(1);
    expect(said()[0]!.checker).toBe('h-c');
    for (const r of rs) {
      const states = (await r.components()).map((c) => c.state);
      expect(states).toEqual(Array(COMPONENTS).fill('operational'));
      expect(metricValue(await r.metrics(), 'statusgraph_replica_checker_healthy', { replica: 'h-c' })).toBe(0);
      const view = (await (await fetch(`${r.url}/api/v1/cluster`, { headers: auth })).json()) as { replicas: { name: string; checkerHealthy: boolean; location: string }[] };
      expect(view.replicas.map((x) => [x.name, x.location, x.checkerHealthy])).toEqual([['h-a', 'near', true], ['h-b', 'near', true], ['h-c', 'far', false]]);
      expect(await incidents(r)).toEqual([]);
    }
    const events = await db.primary.query<{ kind: string; replica: string }>('SELECT kind, replica FROM cluster_events');
    expect(events).toEqual([{ kind: 'checker_unhealthy', replica: 'h-c' }]);
    // The same on the built-in page, whichever replica serves it.
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ extraHTTPHeaders: auth });
      await page.goto(`${rs[1]!.url}/`);
      await page.waitForSelector('#cluster [data-checker="h-c"]');
      expect(await page.textContent('#cluster [data-checker="h-c"]')).toContain('Checker h-c (far) is set aside');
      expect(await page.textContent('#cluster')).toContain('Served by replica h-b');
      expect(await page.locator('#grid article.comp[data-state="operational"]').count()).toBe(COMPONENTS);
    } finally {
      await browser.close();
    }
  });

  it('the same fault on two replicas of three: nobody set aside; an outage exactly where both probers are broken', async () => {
    const names = ['f-a', 'f-b', 'f-c'];
    const rs = await Promise.all([replica('f-a'), replica('f-b', true), replica('f-c', true)]);
    const leader = rs[names.indexOf((await leaderOf(names)).holder!)]!;
    const probers = assign(Array.from({ length: COMPONENTS }, (_, i) => `svc-${i}`), names, 2);
    const bothBroken = new Set([...probers].filter(([, p]) => !p.includes('f-a')).map(([c]) => c));
    expect(bothBroken.size).toBeGreaterThan(0);
    expect(bothBroken.size).toBeLessThan(COMPONENTS);
    const outages = async () => (await leader.components()).filter((c) => c.state !== 'operational').map((c) => c.name).sort();
    await until('the outages of the components only broken replicas probe', async () => (await outages()).join() === [...bothBroken].sort().join(), 30_000, 100);
    const start = await rounds(leader, 'svc-0');
    await until('two more rounds', async () => (await rounds(leader, 'svc-0')) >= start + 2, 30_000, 100);
    expect(await outages()).toEqual([...bothBroken].sort());
    expect(rs.flatMap((r) => r.logLines().filter((l) => l.event === 'checker_unhealthy'))).toEqual([]);
    for (const n of names) expect(metricValue(await leader.metrics(), 'statusgraph_replica_checker_healthy', { replica: n })).toBe(1);
  });

  it('PostgreSQL stopped and started again: no crash, every replica keeps serving, one line each way, a leader again after', async () => {
    const names = ['p-a', 'p-b', 'p-c'];
    const rs = await Promise.all(names.map((n) => replica(n)));
    await leaderOf(names);
    const events = (r: RunningExporter, e: string) => r.logLines().filter((l) => l.event === e).length;
    await db.primary.stop();
    await until('every replica to notice', async () => rs.every((r) => events(r, 'cluster_db_unreachable') === 1), 30_000, 100);
    await until('nobody to lead', async () => (await Promise.all(rs.map(async (r) => metricValue(await r.metrics(), 'statusgraph_replica_leader') ?? 1))).every((v) => v === 0), 30_000, 100);
    // Several intervals without the database: each replica keeps deciding its own share from its own
    // rounds, so svc-0 goes on where it is probed (on its probers only: the others have no rounds of it).
    const start = await Promise.all(rs.map((r) => rounds(r, 'svc-0')));
    await until('rounds to go on without the database', async () => (await Promise.all(rs.map((r) => rounds(r, 'svc-0')))).some((n, i) => n >= start[i]! + 3), 60_000, 200);
    for (const r of rs) {
      expect(r.process.exitCode).toBeNull();
      expect((await r.components()).every((c) => c.state === 'operational')).toBe(true);
    }
    await db.primary.start();
    await until('every replica to say the database is back', async () => rs.every((r) => events(r, 'cluster_db_back') === 1), 30_000, 100);
    const l = await leaderOf(names);
    expect(rs.map((r) => events(r, 'cluster_db_unreachable'))).toEqual([1, 1, 1]);
    expect(names).toContain(l.holder);
  });

  it('PostgreSQL stopped 60 s with an incident open while the outage ends: once back, ONE incident resolved, each change delivered once', async () => {
    const [grafana, hook, pay] = await Promise.all([startGrafanaStandIn(), startWebhookRecorder(), HttpTarget.start()]);
    try {
      const extra = {
        config: `grafana:\n  url: ${grafana.url}\n  token: \${GRAFANA_TOKEN}\nwebhooks:\n  - name: rec\n    url: \${HOOK_URL}\n    token: \${HOOK_TOKEN}\n`,
        env: { GRAFANA_TOKEN: grafana.token, HOOK_URL: hook.url, HOOK_TOKEN: hook.token, PAY_URL: pay.url },
        more: '  - name: pay\n    tier: service\n    probes: [{ kind: http, url: "${PAY_URL}" }]\n',
      };
      const names = ['d-a', 'd-b', 'd-c'];
      const rs = await Promise.all(names.map((n) => replica(n, false, extra)));
      await leaderOf(names);
      const pending = async () => (await db.primary.query('SELECT 1 FROM sink_outbox')).length;
      pay.set({ status: 503 });
      await until('the incident open and delivered', async () => (await incidents(rs[0]!)).length === 1 && grafana.annotations().length === 1 && (await pending()) === 0, 30_000, 100);
      const received = hook.received().length;

      await db.primary.stop();
      pay.set({ status: 200 });
      // Issue 22's 60 s without the database, counted in rounds of pay (30 at 2 s): every replica
      // carries on, nothing is sent.
      const start = await Promise.all(rs.map((r) => rounds(r, 'pay')));
      await until('60 s of pay rounds without the database', async () => (await Promise.all(rs.map((r) => rounds(r, 'pay')))).some((n, i) => n >= start[i]! + 60_000 / INTERVAL_MS), 120_000, 500);
      for (const r of rs) expect(r.process.exitCode).toBeNull();
      expect(hook.received().length).toBe(received);

      await db.primary.start();
      await until('the incident resolved and the outbox drained', async () => {
        const all = (await incidents(rs[0]!)) as { resolvedAt: string | null }[];
        return all.length === 1 && all[0]!.resolvedAt !== null && (await pending()) === 0;
      }, 60_000, 200);
      const after = await Promise.all(rs.map((r) => rounds(r, 'pay')));
      await until('two more rounds', async () => (await Promise.all(rs.map((r) => rounds(r, 'pay')))).every((n, i) => n >= after[i]! + 2), 30_000, 100);

      expect(await incidents(rs[0]!)).toHaveLength(1);
      const changes = await db.primary.query<{ seq: number }>('SELECT seq FROM incident_changes ORDER BY seq');
      // Each change applied once by the webhook receiver (a repeat on the wire would be flagged).
      expect(hook.applied().map((a) => a.body.change.seq).sort((x, y) => x - y)).toEqual(changes.map((c) => Number(c.seq)));
      expect(hook.applied().map((a) => a.body.change.kind)).toContain('resolved');
      expect(hook.violations()).toEqual([]);
      expect(grafana.annotations()).toHaveLength(1);
      expect(grafana.annotations()[0]!.timeEnd).toBeGreaterThan(grafana.annotations()[0]!.time);
      expect(grafana.requests().filter((q) => q.method === 'POST' && q.status < 300)).toHaveLength(1);
      expect(grafana.violations()).toEqual([]);
    } finally {
      pay.set({ status: 200 });
      await Promise.all([grafana.close(), hook.close(), pay.down()]);
    }
  });

  it('a replica that starts while PostgreSQL is unreachable exits with one line naming the cluster database, without the password', async () => {
    const r = await startExporter({
      config: config(), headers: auth, waitReady: false,
      env: { REPLICA: 'down-a', LOCATION: 'near', PG_DSN: `postgres://sg:secret-pw-4471@127.0.0.1:${closedPort}/sg`, TARGET: target.url },
    });
    await new Promise<void>((resolve) => { if (r.process.exitCode !== null) resolve(); else r.process.once('exit', () => resolve()); });
    expect(r.process.exitCode).not.toBe(0);
    const lines = r.logs().split('\n').filter((l) => l.startsWith('statusgraph run:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('cluster database');
    expect(lines[0]).toContain('ECONNREFUSED');
    expect(r.logs()).not.toContain('secret-pw-4471');
  });

  it('a reload on every replica that adds a component: it is assigned, probed by R of them and decided everywhere', async () => {
    const names = ['r-a', 'r-b', 'r-c'];
    const rs = await Promise.all(names.map((n) => replica(n)));
    await leaderOf(names);
    const added = `  - name: svc-new
    tier: service
    probes: [{ kind: http, url: "\${TARGET}" }]
`;
    for (const r of rs) {
      r.writeConfig(`${config()}${added}`);
      r.process.kill('SIGHUP');
    }
    await until('svc-new decided on every replica', async () => (await Promise.all(rs.map(async (r) => (await r.components()).find((c) => c.name === 'svc-new')?.checked === true))).every(Boolean), 30_000, 100);
    const m = await rs[0]!.metrics();
    const shares = names.map((n) => metricValue(m, 'statusgraph_replica_assigned_components', { replica: n }) ?? 0);
    // 13 components, each probed by 2 of the 3 replicas.
    expect(shares.reduce((a, b) => a + b, 0)).toBe(2 * (COMPONENTS + 1));
    for (const [i, r] of rs.entries()) {
      const rounds = metricValue(await r.metrics(), 'statusgraph_component_rounds_total', { component: 'svc-new' }) ?? 0;
      expect(rounds, names[i]).toBeGreaterThan(0);
    }
  });
});
