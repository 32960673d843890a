import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders, slashCommandBody } from '../support/slack-sign.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../../exporter/test/incidents/app.js';

let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });

async function command(text: string, user = 'alice', headers?: Record<string, string>) {
  const body = slashCommandBody({ text, user_name: user });
  const res = await fetch(`${app.url}/slack/commands`, { method: 'POST', headers: headers ?? signedHeaders(SIGNING_SECRET, body), body });
  return { status: res.status, json: (await res.json()) as { response_type?: string; text?: string; error?: string } };
}

describe('POST /slack/commands', () => {
  it('rejects a wrong signature, a stale timestamp and a missing header with 401, changing nothing', async () => {
    const before = app.dump();
    const body = slashCommandBody({ text: 'create Should not exist --component db' });
    const good = signedHeaders(SIGNING_SECRET, body);
    const cases: Array<[string, Record<string, string>]> = [
      ['wrong secret', signedHeaders('not-the-secret', body)],
      ['six minutes old', signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 360)],
      ['no signature', { 'content-type': good['content-type']!, 'x-slack-request-timestamp': good['x-slack-request-timestamp']! }],
      ['no timestamp', { 'content-type': good['content-type']!, 'x-slack-signature': good['x-slack-signature']! }],
    ];
    for (const [what, headers] of cases) {
      const res = await fetch(`${app.url}/slack/commands`, { method: 'POST', headers, body });
      expect(res.status, what).toBe(401);
      expect(((await res.json()) as { error: string }).error, what).toMatch(/^slack signature: /);
    }
    expect(app.dump()).toEqual(before);
  });

  it('runs every subcommand end to end with freshly signed requests', async () => {
    const help = await command('help');
    expect(help).toMatchObject({ status: 200, json: { response_type: 'ephemeral' } });
    expect(help.json.text).toContain('/incident create');

    const empty = await command('list');
    expect(empty.json).toEqual({ response_type: 'ephemeral', text: 'No open incidents.' });

    const created = await command('create Checkout errors --component api --severity critical', 'alice');
    expect(created.json.response_type).toBe('in_channel');
    const id = /\*(INC-\d+)\*/.exec(created.json.text!)![1]!;
    const stored = app.incidents.store.get(Number(id.slice(4)))!;
    expect(stored).toMatchObject({ title: 'Checkout errors', source: 'manual', severity: 'critical', components: ['api', 'web'] });
    expect(stored.timeline[0]!.author).toBe('@alice');

    const listed = await command('list', 'bob');
    expect(listed.json.response_type).toBe('ephemeral');
    expect(listed.json.text).toContain(`*${id}*`);

    const updated = await command(`update ${id} --status identified bad deploy of api`, 'bob');
    expect(updated.json.response_type).toBe('in_channel');
    expect(app.incidents.store.get(stored.id)!).toMatchObject({ status: 'identified' });
    expect(app.incidents.store.get(stored.id)!.timeline.at(-1)).toMatchObject({ kind: 'update', author: '@bob', text: 'bad deploy of api' });

    const resolved = await command(`resolve ${id} rolled back`, 'carol');
    expect(resolved.json.response_type).toBe('in_channel');
    expect(resolved.json.text).toContain('resolved by @carol');
    expect(app.incidents.store.get(stored.id)!).toMatchObject({ status: 'resolved' });
    expect(app.incidents.store.get(stored.id)!.timeline.at(-1)).toMatchObject({ kind: 'resolved', author: '@carol', text: 'rolled back' });
  });

  it('answers bad commands ephemerally and writes nothing', async () => {
    const before = app.dump();
    for (const text of ['create Broken --component nope', 'update INC-999 hello', 'resolve INC-999', 'frobnicate', 'create x --severity apocalyptic']) {
      const r = await command(text);
      expect(r.status, text).toBe(200);
      expect(r.json.response_type, text).toBe('ephemeral');
      expect(r.json.text, text).toMatch(/^:warning: /);
    }
    expect((await command('create Broken --component nope')).json.text).toContain('unknown component "nope"');
    expect(app.dump()).toEqual(before);
  });
});
