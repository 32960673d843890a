import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { startSlackApi, type SlackApiStandIn, type StoredMessage } from '../support/slack-api.js';
import { HttpTarget } from '../support/targets.js';
import { tempDir } from '../support/tmp.js';

// Acceptance 3 of issue 15, against a real exporter process and the strict Web API stand-in:
// an incident that opens (db down), gets three updates, a dependent joining (api down) and its
// resolution is one top message, edited to the current status, and five thread replies. Then the
// same with a kill -9 at each step, most of them while Slack holds a request it applied but never
// answered: still one top message and exactly five replies (a restart that finds db still down is
// no new change). A 429 then 200 delays, never doubles.

const TOKEN = 'slack-threads-e2e-token-51c0';
// One channel per test: both incidents are INC-1 of their own data directory.
let CHANNEL = 'C0INCIDENTS';
const jsonAuth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

interface ChangeRow { seq: number; incident_id: number; kind: string }

function config(slackUrl: string, db: string, api: string): string {
  return `
interval: 1s
timeout: 500ms
auth:
  tokens: [${TOKEN}]
slack:
  bot_token: \${SLACK_BOT_TOKEN}
  incident_channel: ${CHANNEL}
  api_url: ${slackUrl}
  page_url: https://status.example.com
components:
  - name: db
    tier: infrastructure
    probes: [{ kind: http, url: "${db}" }]
  - name: api
    tier: service
    depends_on: [db]
    probes: [{ kind: http, url: "${api}" }]
`;
}

describe('Slack incident threads', () => {
  let slack: SlackApiStandIn;
  let db: HttpTarget;
  let api: HttpTarget;
  let exp: RunningExporter;
  const data = tempDir('sg-slack-threads-');
  let dataDir = '';

  const start = async () => {
    exp = await startExporter({ config: config(slack.url, db.url, api.url), dataDir, env: { SLACK_BOT_TOKEN: slack.token } });
  };
  const post = async (p: string, body: unknown) => {
    const r = await fetch(`${exp.url}${p}`, { method: 'POST', headers: jsonAuth, body: JSON.stringify(body) });
    expect(r.status).toBeLessThan(300);
    return (await r.json()) as { id: string };
  };
  const changes = (id: string): ChangeRow[] => {
    const file = new Database(path.join(dataDir, 'incidents.db'), { readonly: true, fileMustExist: true });
    try {
      return (file.prepare('SELECT seq, incident_id, kind FROM incident_changes ORDER BY seq').all() as ChangeRow[]).filter((c) => `INC-${c.incident_id}` === id);
    } finally {
      file.close();
    }
  };
  const topsOf = (id: string): StoredMessage[] => slack.topMessages(CHANNEL).filter((m) => m.metadata?.event_payload.incident === id);
  const repliesOf = (id: string): StoredMessage[] => {
    const tops = topsOf(id);
    return tops.length === 1 ? slack.replies(CHANNEL, tops[0]!.ts) : [];
  };
  /** Opens an automatic incident by taking db down; resolves with its id. */
  const openByOutage = async (): Promise<string> => {
    db.set({ status: 500 });
    const inc = await until('an incident opened', async () => {
      const r = await fetch(`${exp.url}/api/v1/incidents?state=open`, { headers: jsonAuth });
      return ((await r.json()) as { incidents: { id: string }[] }).incidents[0];
    }, 20_000);
    return inc.id;
  };
  /** Every reply of the thread, in order, is one change of the log after the opening, once. */
  const expectOneReplyPerChange = (id: string) => {
    const log = changes(id);
    expect(log[0]!.kind).toBe('opened');
    expect(topsOf(id)).toHaveLength(1);
    expect(repliesOf(id).map((m) => m.metadata?.event_payload.seq)).toEqual(log.slice(1).map((c) => c.seq));
  };

  beforeAll(async () => {
    [slack, db, api] = await Promise.all([startSlackApi({ channels: [{ id: 'C0INCIDENTS', name: 'incidents' }, { id: 'C0KILLED', name: 'killed' }] }), HttpTarget.start(), HttpTarget.start()]);
  });
  afterAll(async () => {
    await exp?.stop();
    await Promise.all([slack?.close(), db?.down(), api?.down()]);
    data.remove();
  });

  it('opening, three updates, a dependent joining and the resolution: one top message, edited, and five replies', async () => {
    dataDir = path.join(data.path, 'plain');
    await start();
    const id = await openByOutage();
    await until('the top message', () => topsOf(id).length === 1, 15_000);
    const top = topsOf(id)[0]!;
    expect(top.text).toMatch(new RegExp(`${id} \\[critical\\] db: .*: investigating`));
    expect(JSON.stringify(top.blocks)).toContain('https://status.example.com');
    expect(top.blocks.at(-1)).toMatchObject({ type: 'actions' });

    await post(`/api/v1/incidents/${id}/updates`, { text: 'Looking at the primary', author: 'erin' });
    // Slack rate-limits the next reply: the outbox waits for Retry-After and posts it once.
    slack.rateLimitNext('chat.postMessage', 1, 1);
    await post(`/api/v1/incidents/${id}/updates`, { text: 'Disk full on the primary', status: 'identified' });
    await post(`/api/v1/incidents/${id}/updates`, { text: 'Space freed, watching', status: 'monitoring' });
    await until('three replies', () => repliesOf(id).length === 3, 20_000);
    api.set({ status: 500 });
    await until('the dependent joined', () => repliesOf(id).length === 4, 20_000);
    await post(`/api/v1/incidents/${id}/resolve`, { text: 'Primary healthy' });
    await until('the resolution', () => repliesOf(id).length === 5 && topsOf(id)[0]!.text.includes('resolved'), 20_000);

    const replies = repliesOf(id).map((m) => m.text);
    expect(replies[0]).toMatch(/Update.*\(erin\): Looking at the primary/);
    expect(replies[1]).toMatch(/\[identified\].*Disk full/);
    expect(replies[2]).toMatch(/\[monitoring\].*Space freed/);
    expect(replies[3]).toMatch(/api/);
    expect(replies[4]).toMatch(/Resolved\* after .*Primary healthy/);
    expectOneReplyPerChange(id);
    // The top message was edited to each status in turn and ends without buttons.
    const final = topsOf(id)[0]!;
    // One edit per reply, each to the status of that moment (a reply held up by the 429 edits to
    // the newer status the incident has by then).
    const statuses = final.edits.map((e) => /: (\w+)$/.exec(e.text)?.[1]);
    expect(statuses).toHaveLength(5);
    expect(statuses.slice(-2)).toEqual(['monitoring', 'resolved']);
    expect(final.blocks.some((b) => b.type === 'actions')).toBe(false);
    // The 429 was answered, waited out, and the reply posted once.
    expect(slack.calls.filter((c) => c.status === 429)).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200)).toHaveLength(6);
    await exp.stop();
    db.set({ status: 200 });
    api.set({ status: 200 });
  });

  it('the same with a kill -9 at each step, Slack holding requests it applied: no second top message, no second reply', async () => {
    dataDir = path.join(data.path, 'killed');
    CHANNEL = 'C0KILLED';
    await start();
    const restart = async () => { await exp.kill('SIGKILL'); await start(); };
    const held = (method: string) => slack.calls.filter((c) => c.method === method && c.status === 0).length;
    /** Holds the next call of `method`, runs `step`, waits until Slack applied it unanswered, kills. */
    const killWhileHeld = async (method: string, step: () => Promise<unknown>) => {
      const before = held(method);
      slack.hangNext(method, 1);
      await step();
      await until(`a held ${method}`, () => held(method) > before, 20_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${JSON.stringify(slack.calls.slice(-5))}\n${exp.logs().slice(-3000)}`);
      });
      await restart();
    };

    let id = '';
    // 1. The top message landed, its answer never came.
    await killWhileHeld('chat.postMessage', async () => { id = await openByOutage(); });
    await until('the top message after the restart', () => topsOf(id).length === 1 && slack.calls.some((c) => c.method === 'conversations.history'), 20_000);
    // 2. A reply landed unanswered.
    await killWhileHeld('chat.postMessage', () => post(`/api/v1/incidents/${id}/updates`, { text: 'Looking' }));
    // 3. The reply was answered, the edit of the top message was not.
    await killWhileHeld('chat.update', () => post(`/api/v1/incidents/${id}/updates`, { text: 'Found it', status: 'identified' }));
    // 4. Killed right after the change was committed.
    await post(`/api/v1/incidents/${id}/updates`, { text: 'Fixing', status: 'monitoring' });
    await restart();
    // 5. The dependent's reply landed unanswered.
    await killWhileHeld('chat.postMessage', async () => { api.set({ status: 500 }); });
    // 6. The resolution's reply landed unanswered.
    await killWhileHeld('chat.postMessage', () => post(`/api/v1/incidents/${id}/resolve`, { text: 'Done' }));

    await until('every change in the thread', () => {
      const log = changes(id);
      return log.at(-1)?.kind === 'resolved' && repliesOf(id).length >= log.length - 1 && topsOf(id)[0]!.text.includes('resolved');
    }, 30_000);
    expectOneReplyPerChange(id);
    // Exactly the scenario's five changes: the six restarts, five of them while db was down, found
    // the state the incident had recorded and wrote nothing ("first check after start" is no news).
    const texts = repliesOf(id).map((m) => m.text);
    expect(texts).toHaveLength(5);
    [/Update.*Looking/, /\[identified\].*Found it/, /\[monitoring\].*Fixing/, /api/, /Resolved\*.*Done/].forEach((want, i) => expect(texts[i]).toMatch(want));
    expect(texts.join('\n')).not.toMatch(/first check after statusgraph started/);
    expect(topsOf(id)[0]!.text).toMatch(/: resolved$/);
  });
});
