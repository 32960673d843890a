import { describe, expect, it } from 'vitest';
import type { DeliveryContext, IncidentChange } from '../../src/incidents/sink.js';
import type { Incident } from '../../src/incidents/types.js';
import { SlackApiError, type SlackApi } from '../../src/slack-api/client.js';
import { slackSink } from '../../src/sinks/slack.js';
import { silentLogger } from '../incidents/fixtures.js';

// How the Slack sink maps Slack's answers to outbox results, and that a reply found again after an
// unanswered post is not posted twice. The end-to-end path is test/incidents/slack-threads.test.ts.

const incident: Incident = {
  id: 7, title: 'db down', source: 'auto', rootCause: 'db', severity: 'critical', status: 'investigating',
  components: ['api', 'db'], blastRadius: ['api'], tookDown: ['db'], startedAt: 1_700_000_000_000, resolvedAt: null, updatedAt: 1_700_000_000_000,
};
const change = (kind: IncidentChange['kind'], seq: number): IncidentChange => ({ seq, incidentId: 7, kind, at: 1, entries: [{ at: 1, kind: 'update', author: '@a', text: 'hi' }] });
const ctx = (over: Partial<DeliveryContext> = {}): DeliveryContext & { marks: number } => {
  const c = { attempt: 1, remote: { ref: null, sentAt: null }, sentAt: null, marks: 0, markSent: async () => { c.marks++; }, ...over };
  return c;
};

function fakeApi(fail?: SlackApiError): SlackApi & { posts: unknown[] } {
  const posts: unknown[] = [];
  return {
    posts,
    async postMessage(a) { if (fail) throw fail; posts.push(a); return { ts: '1.000001' }; },
    async update() { if (fail) throw fail; },
    async history() { return { messages: [] }; },
    async replies({ ts }) {
      return { messages: [{ ts }, { ts: '1.000009', thread_ts: ts, metadata: { event_type: 'statusgraph_incident_change', event_payload: { incident: 'INC-7', started: incident.startedAt, seq: 5 } } }] };
    },
    async openView() {},
    async permalink(channel, ts) { return `https://example.slack.com/archives/${channel}/p${ts.replace('.', '')}`; },
    async respond() {},
    async close() {},
  };
}

describe('slack sink', () => {
  it('channel_not_found and not_in_channel fail for good, naming the fix', async () => {
    for (const code of ['channel_not_found', 'not_in_channel', 'invalid_auth']) {
      const r = await slackSink(fakeApi(new SlackApiError(`chat.postMessage: ${code}`, code, false)), { channel: 'C1', logger: silentLogger }).deliver(change('opened', 1), incident, ctx());
      expect(r.outcome).toBe('failed');
      expect((r as { error: string }).error).toMatch(/slack\.(incident_channel|bot_token)/);
    }
  });

  it('a 429 retries after its Retry-After; a network error retries with backoff', async () => {
    const limited = await slackSink(fakeApi(new SlackApiError('rate limited', 'ratelimited', true, 30_000)), { channel: 'C1', logger: silentLogger }).deliver(change('opened', 1), incident, ctx());
    expect(limited).toEqual({ outcome: 'retry', error: 'rate limited', retryAfterMs: 30_000 });
    const down = await slackSink(fakeApi(new SlackApiError('timed out', 'network', true)), { channel: 'C1', logger: silentLogger }).deliver(change('opened', 1), incident, ctx());
    expect(down).toEqual({ outcome: 'retry', error: 'timed out' });
  });

  // Issue 15 item 4: a severity change is a reply of its own, and the top message shows the new
  // severity (the end-to-end thread test covers updates, a joining dependent and the resolution).
  it('a severity raise is one thread reply, and the edited top message shows the new severity', async () => {
    const posts: Record<string, unknown>[] = [];
    const edits: Record<string, unknown>[] = [];
    const api: SlackApi = {
      ...fakeApi(),
      async postMessage(a) { posts.push(a as unknown as Record<string, unknown>); return { ts: '1.000002' }; },
      async update(a) { edits.push(a as unknown as Record<string, unknown>); },
    };
    const raised: Incident = { ...incident, severity: 'critical' };
    const change: IncidentChange = {
      seq: 9, incidentId: 7, kind: 'updated', at: 2,
      entries: [{ at: 2, kind: 'severity', author: 'statusgraph', component: 'db', text: 'Severity raised to critical: db is in major outage' }],
    };
    const r = await slackSink(api, { channel: 'C1', logger: silentLogger }).deliver(change, raised, ctx({ remote: { ref: '1.000001', sentAt: 1 } }));
    expect(r).toEqual({ outcome: 'delivered', ref: '1.000001' });
    expect(posts).toEqual([expect.objectContaining({
      channel: 'C1', thread_ts: '1.000001',
      text: ':arrow_up: *Severity*: Severity raised to critical: db is in major outage',
      metadata: { event_type: 'statusgraph_incident_change', event_payload: { incident: 'INC-7', started: incident.startedAt, seq: 9 } },
    })]);
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({ channel: 'C1', ts: '1.000001', text: expect.stringContaining('INC-7 [critical] db down: investigating') });
    expect(JSON.stringify(edits[0]!.blocks)).toContain('*Severity*\\ncritical');
  });

  it('a reply whose post went unanswered is found in the thread, not posted again', async () => {
    const api = fakeApi();
    const c = ctx({ remote: { ref: '1.000001', sentAt: 1 }, sentAt: 2 });
    expect(await slackSink(api, { channel: 'C1', logger: silentLogger }).deliver(change('updated', 5), incident, c)).toEqual({ outcome: 'delivered', ref: '1.000001' });
    expect(api.posts).toEqual([]);
    // A change not found there is posted, marked sent first.
    const again = ctx({ remote: { ref: '1.000001', sentAt: 1 }, sentAt: 2 });
    await slackSink(api, { channel: 'C1', logger: silentLogger }).deliver(change('updated', 6), incident, again);
    expect(api.posts).toHaveLength(1);
    expect(again.marks).toBe(1);
  });
});
