/*
 * One error path (issue 13, item 4): the same fault gets the same status and the same words on
 * every route that takes a body, through the real composition root. Each request is correct but
 * for the one fault (a Slack request is signed over the faulty body, writes carry the token), so
 * the answer can only come from that fault. Before the one error path, malformed JSON read
 * "invalid JSON body" or was ignored, an oversized body was a 413 on incident routes only, and
 * /-/reload read no body at all.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { slackSignature } from '../../src/slack/verify.js';

const TOKEN = 'error-path-token-7d1e0b';
const SECRET = 'error-path-slack-secret';
const bearer = { authorization: `Bearer ${TOKEN}` };

let svc: Service;
let target: net.Server;
let dir: string;
let incident: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statusgraph-errors-'));
  const file = path.join(dir, 'statusgraph.yml');
  // Routes, not probe results, are under test, so db must not change state: its probe reaches a
  // listener that accepts. A refused port opened an automatic incident about 0.5 s after the start,
  // which a busy machine let fall between a test's two reads of the incidents ("nothing changes").
  target = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  fs.writeFileSync(file, `
interval: 1s
timeout: 500ms
listen: 127.0.0.1:0
data_dir: ${JSON.stringify(path.join(dir, 'data'))}
auth:
  tokens: [${TOKEN}]
  read: token
slack:
  signing_secret: ${SECRET}
components:
  - name: db
    tier: infrastructure
    probes:
      - kind: tcp
        address: 127.0.0.1:${(target.address() as net.AddressInfo).port}
`);
  svc = await startService({ configFile: file, logger: pino({ level: 'silent' }), staticDir: dir });
  const created = await fetch(`${svc.url}/api/v1/incidents`, {
    method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Target', components: ['db'] }),
  });
  incident = ((await created.json()) as { id: string }).id;
});
afterAll(async () => {
  await svc.stop();
  await new Promise((resolve) => target.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

type Kind = 'json' | 'form';
interface Route {
  readonly name: string;
  readonly path: () => string;
  readonly kind: Kind;
  /** The credential of this route for this body; none for the "missing auth" fault. */
  readonly credential: (body: string) => Record<string, string>;
  /** A body this route accepts, but for the credential. */
  readonly valid: string;
}

const ROUTES: readonly Route[] = [
  { name: 'create incident', path: () => '/api/v1/incidents', kind: 'json', credential: () => bearer, valid: JSON.stringify({ title: 'x', components: ['db'] }) },
  { name: 'update incident', path: () => `/api/v1/incidents/${incident}/updates`, kind: 'json', credential: () => bearer, valid: JSON.stringify({ text: 'x' }) },
  { name: 'resolve incident', path: () => `/api/v1/incidents/${incident}/resolve`, kind: 'json', credential: () => bearer, valid: '{}' },
  { name: 'reload', path: () => '/-/reload', kind: 'json', credential: () => bearer, valid: '' },
  { name: 'login', path: () => '/login', kind: 'form', credential: () => ({}), valid: 'token=' },
  {
    name: 'slack commands', path: () => '/slack/commands', kind: 'form', valid: new URLSearchParams({ text: 'list', user_name: 'alice' }).toString(),
    credential: (body) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(SECRET, ts, body) };
    },
  },
];

const TYPE: Record<Kind, string> = { json: 'application/json', form: 'application/x-www-form-urlencoded' };
// Over every route's limit (64 kB at most), in the route's own format.
const BIG: Record<Kind, string> = { json: JSON.stringify({ text: 'x'.repeat(100 * 1024) }), form: `text=${'x'.repeat(100 * 1024)}` };

interface Fault {
  readonly name: string;
  readonly request: (r: Route) => { body: string; type: string; withCredential: boolean };
  readonly status: number;
  readonly error: string;
}

const FAULTS: readonly Fault[] = [
  { name: 'malformed JSON', request: () => ({ body: '{"title": ', type: 'application/json', withCredential: true }), status: 400, error: 'body: not valid JSON' },
  { name: 'oversized body', request: (r) => ({ body: BIG[r.kind], type: TYPE[r.kind], withCredential: true }), status: 413, error: 'body: too large' },
  { name: 'wrong content type', request: () => ({ body: '<x/>', type: 'application/xml', withCredential: true }), status: 415, error: 'body: unsupported content type application/xml' },
  { name: 'missing auth', request: (r) => ({ body: r.valid, type: TYPE[r.kind], withCredential: false }), status: 401, error: 'authentication required' },
];

/** The words of an error: the JSON `error`, or the sign-in form's message ('Invalid token.' -> 'invalid token'). */
async function words(res: Response): Promise<string> {
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (type.startsWith('text/html')) {
    const m = /<p class="error" role="alert">(.*?)<\/p>/.exec(text);
    return (m?.[1] ?? '').replace(/\.$/, '').toLowerCase();
  }
  // Anything but a JSON {"error": ...} is shown whole, so a wrong answer reads plainly in the diff.
  if (!type.startsWith('application/json')) return `(${type}) ${text.slice(0, 80)}`;
  const body = JSON.parse(text) as Record<string, unknown>;
  return Object.keys(body).join() === 'error' ? String(body.error) : text.slice(0, 80);
}

const incidentsNow = async () => (await fetch(`${svc.url}/api/v1/incidents`, { headers: bearer })).json();

describe('the same fault gets the same answer on every route that takes a body', () => {
  for (const fault of FAULTS) {
    it(`${fault.name}: ${fault.status} "${fault.error}" on ${ROUTES.map((r) => r.name).join(', ')}; nothing changes`, async () => {
      const before = await incidentsNow();
      const answers: Record<string, { status: number; error: string }> = {};
      for (const route of ROUTES) {
        const { body, type, withCredential } = fault.request(route);
        const res = await fetch(svc.url + route.path(), {
          method: 'POST', redirect: 'manual', body,
          headers: { 'content-type': type, ...(withCredential ? route.credential(body) : {}) },
        });
        answers[route.name] = { status: res.status, error: await words(res) };
      }
      expect(answers).toEqual(Object.fromEntries(ROUTES.map((r) => [r.name, { status: fault.status, error: fault.error }])));
      expect(await incidentsNow()).toEqual(before);
    });
  }

  it('each route accepts its valid request with the credential (the refusals above came from the fault alone)', async () => {
    const ok: Record<string, number> = {};
    for (const route of ROUTES.filter((r) => r.name !== 'login')) {
      const res = await fetch(svc.url + route.path(), {
        method: 'POST', body: route.valid, headers: { 'content-type': TYPE[route.kind], ...route.credential(route.valid) },
      });
      ok[route.name] = res.status;
    }
    expect(ok).toEqual({ 'create incident': 201, 'update incident': 200, 'resolve incident': 200, reload: 200, 'slack commands': 200 });
    const login = await fetch(`${svc.url}/login`, { method: 'POST', redirect: 'manual', body: `token=${TOKEN}`, headers: { 'content-type': TYPE.form } });
    expect(login.status).toBe(303);
  });
});
