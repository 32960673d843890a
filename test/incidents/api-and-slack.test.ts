import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { signedHeaders, slashCommandBody } from '../support/slack-sign.js';
import { HttpTarget } from '../support/targets.js';

// Acceptance 4 and 5 of the incidents issue, against a real exporter process: the incident API's
// auth and validation, and the Slack slash command with freshly signed requests. "Nothing
// changed" is checked on the SQLite file itself, not only through the API.

const TOKEN = 'api-slack-e2e-token-94d2';
const SECRET = 'e2e-slack-signing-secret-3b7a';
const auth = { authorization: `Bearer ${TOKEN}` };
const jsonAuth = { ...auth, 'content-type': 'application/json' };

describe('incident API and Slack command end to end', () => {
  let svc: HttpTarget;
  let exp: RunningExporter;

  /** Every row of every incident table, read from the database file. */
  const storeContents = () => {
    const db = new Database(path.join(exp.dataDir, 'incidents.db'), { readonly: true, fileMustExist: true });
    try {
      return ['incidents', 'timeline', 'incident_changes', 'sink_outbox', 'sink_state'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all());
    } finally {
      db.close();
    }
  };
  const post = (p: string, body: unknown, headers: Record<string, string> = jsonAuth) =>
    fetch(`${exp.url}${p}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const errorOf = async (r: Response) => {
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    return ((await r.json()) as { error: string }).error;
  };
  const slack = async (text: string, user = 'alice', headers?: Record<string, string>) => {
    const body = slashCommandBody({ text, user_name: user });
    const r = await fetch(`${exp.url}/slack/commands`, { method: 'POST', headers: headers ?? signedHeaders(SECRET, body), body });
    return { status: r.status, json: (await r.json()) as { response_type?: string; text?: string; error?: string } };
  };

  beforeAll(async () => {
    svc = await HttpTarget.start();
    exp = await startExporter({
      config: `
interval: 1s
timeout: 500ms
auth:
  tokens: [${TOKEN}]
slack:
  signing_secret: \${SLACK_SIGNING_SECRET}
components:
  - name: db
    tier: infrastructure
    probes: [{ kind: http, url: "${svc.url}" }]
  - name: orders
    tier: service
    depends_on: [db]
    probes: [{ kind: http, url: "${svc.url}" }]
  - name: checkout
    tier: service
    depends_on: [orders]
    probes: [{ kind: http, url: "${svc.url}" }]
`,
      env: { SLACK_SIGNING_SECRET: SECRET },
      headers: auth,
    });
  });
  afterAll(async () => {
    await exp?.stop();
    await svc?.down();
  });

  describe('API', () => {
    let id = '';
    beforeAll(async () => {
      const r = await post('/api/v1/incidents', { title: 'Orders degraded', components: ['orders'], severity: 'major', text: 'Latency up', author: 'erin' });
      expect(r.status).toBe(201);
      id = ((await r.json()) as { id: string }).id;
    });

    it('without a token: 401 for reads and writes, store unchanged', async () => {
      const before = storeContents();
      expect((await fetch(`${exp.url}/api/v1/incidents`)).status).toBe(401);
      expect((await fetch(`${exp.url}/api/v1/incidents/${id}/summary`)).status).toBe(401);
      const noToken = await post('/api/v1/incidents', { title: 'x', components: ['db'] }, { 'content-type': 'application/json' });
      expect(noToken.status).toBe(401);
      expect(await errorOf(noToken)).toBeTruthy();
      expect((await post(`/api/v1/incidents/${id}/updates`, { text: 'x' }, { 'content-type': 'application/json', authorization: 'Bearer wrong-token' })).status).toBe(401);
      expect((await post(`/api/v1/incidents/${id}/resolve`, {}, { 'content-type': 'application/json' })).status).toBe(401);
      expect(storeContents()).toEqual(before);
    });

    it('a bad body: 400 naming the field, store unchanged', async () => {
      const before = storeContents();
      const cases: Array<[string, unknown, RegExp]> = [
        ['/api/v1/incidents', { components: ['db'] }, /^title: /],
        ['/api/v1/incidents', { title: 'x', components: 'db' }, /^components: /],
        ['/api/v1/incidents', { title: 'x', components: ['db', 'ghost'] }, /^components\.1: unknown component "ghost"/],
        ['/api/v1/incidents', { title: 'x', components: ['db'], severity: 'apocalyptic' }, /^severity: /],
        ['/api/v1/incidents', '{not json', /not valid JSON/],
        [`/api/v1/incidents/${id}/updates`, { status: 'identified' }, /^text: /],
        [`/api/v1/incidents/${id}/updates`, { text: 'x', status: 'done' }, /^status: /],
        [`/api/v1/incidents/${id}/resolve`, { text: ['no'] }, /^text: /],
      ];
      for (const [p, body, message] of cases) {
        const r = await post(p, body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(await errorOf(r), JSON.stringify(body)).toMatch(message);
      }
      expect(storeContents()).toEqual(before);
    });

    it('an unknown id: 404, store unchanged', async () => {
      const before = storeContents();
      for (const bad of ['INC-424242', 'not-an-id']) {
        const g = await fetch(`${exp.url}/api/v1/incidents/${bad}`, { headers: auth });
        expect(g.status).toBe(404);
        expect(await errorOf(g)).toContain(bad);
        expect((await fetch(`${exp.url}/api/v1/incidents/${bad}/summary`, { headers: auth })).status).toBe(404);
        expect((await post(`/api/v1/incidents/${bad}/updates`, { text: 'hello' })).status).toBe(404);
        expect((await post(`/api/v1/incidents/${bad}/resolve`, { text: 'bye' })).status).toBe(404);
      }
      expect(storeContents()).toEqual(before);
    });

    it('accepted writes do change the store (the checks above are not vacuous)', async () => {
      const before = storeContents();
      const r = await post(`/api/v1/incidents/${id}/updates`, { text: 'Cache warmed', status: 'monitoring' });
      expect(r.status).toBe(200);
      expect(storeContents()).not.toEqual(before);
      const inc = (await (await fetch(`${exp.url}/api/v1/incidents/${id}`, { headers: auth })).json()) as { status: string; blastRadius: string[] };
      expect(inc).toMatchObject({ status: 'monitoring', blastRadius: ['checkout'] });
    });
  });

  describe('Slack /incident', () => {
    it('a wrong signature, a timestamp six minutes old and a missing header each get 401 and change nothing', async () => {
      const before = storeContents();
      const body = slashCommandBody({ text: 'create Must not exist --component db' });
      const good = signedHeaders(SECRET, body);
      const cases: Array<[string, Record<string, string>, string]> = [
        ['wrong signature', { ...good, 'x-slack-signature': signedHeaders('another-secret', body)['x-slack-signature']! }, 'bad signature'],
        ['six minutes old', signedHeaders(SECRET, body, Math.floor(Date.now() / 1000) - 360), 'timestamp outside the 5-minute window'],
        ['missing signature header', { 'content-type': good['content-type']!, 'x-slack-request-timestamp': good['x-slack-request-timestamp']! }, 'missing X-Slack-Signature'],
        ['missing timestamp header', { 'content-type': good['content-type']!, 'x-slack-signature': good['x-slack-signature']! }, 'missing X-Slack-Request-Timestamp'],
      ];
      for (const [what, headers, reason] of cases) {
        const r = await fetch(`${exp.url}/slack/commands`, { method: 'POST', headers, body });
        expect(r.status, what).toBe(401);
        expect(await r.json(), what).toEqual({ error: `slack signature: ${reason}` });
      }
      expect(storeContents()).toEqual(before);
      // The same body, correctly signed, is accepted: the 401s above came from the signature alone.
      const ok = await fetch(`${exp.url}/slack/commands`, { method: 'POST', headers: good, body });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { response_type: string }).response_type).toBe('in_channel');
      expect(storeContents()).not.toEqual(before);
    });

    it('every subcommand works end to end with a freshly signed request', async () => {
      const help = await slack('help');
      expect(help).toMatchObject({ status: 200, json: { response_type: 'ephemeral' } });
      for (const sub of ['create', 'update', 'resolve', 'list']) expect(help.json.text).toContain(`/incident ${sub}`);

      const created = await slack('create Payments failing for EU --component orders --component db', 'alice');
      expect(created).toMatchObject({ status: 200, json: { response_type: 'in_channel' } });
      const id = /\*(INC-\d+)\*/.exec(created.json.text!)![1]!;
      const get = async () => (await (await fetch(`${exp.url}/api/v1/incidents/${id}`, { headers: auth })).json()) as {
        title: string; status: string; source: string; components: string[]; timeline: Array<{ kind: string; author: string; text: string }>;
      };
      expect(await get()).toMatchObject({ title: 'Payments failing for EU', source: 'manual', status: 'investigating', components: ['checkout', 'db', 'orders'] });

      const listed = await slack('list', 'bob');
      expect(listed.json.response_type).toBe('ephemeral');
      expect(listed.json.text).toContain(`*${id}*`);

      const updated = await slack(`update ${id} --status identified Bad config pushed at 09:12`, 'bob');
      expect(updated.json.response_type).toBe('in_channel');
      expect(await get()).toMatchObject({ status: 'identified' });

      const resolved = await slack(`resolve ${id} Config rolled back`, 'carol');
      expect(resolved.json.response_type).toBe('in_channel');
      const final = await get();
      expect(final.status).toBe('resolved');
      expect(final.timeline.map((e) => [e.kind, e.author])).toEqual([['opened', '@alice'], ['update', '@bob'], ['resolved', '@carol']]);
      expect(final.timeline[1]!.text).toBe('Bad config pushed at 09:12');

      const after = await slack('list');
      expect(after.json.text).not.toContain(`*${id}*`);
    });

    it('bad commands get an ephemeral explanation and change nothing', async () => {
      const before = storeContents();
      for (const text of ['create Broken --component ghost', 'update INC-999999 hi', 'resolve INC-999999', 'reboot everything']) {
        const r = await slack(text);
        expect(r.status, text).toBe(200);
        expect(r.json.response_type, text).toBe('ephemeral');
        expect(r.json.text, text).toMatch(/^:warning: /);
      }
      expect(storeContents()).toEqual(before);
    });
  });
});
