import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProbe } from '../../src/probes/http.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import { runWithDeadline } from '../../src/engine/deadline.js';

// TLS verification and redirects, against a real HTTPS server with a throwaway self-signed
// certificate and a real redirecting HTTP server.
describe('http probe: TLS and redirects', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-tls-'));
  const pools = new HttpDispatchers();
  let tlsServer: https.Server, plain: http.Server;
  let tlsUrl = '', base = '';

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    tlsServer = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
      (_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/health`;
    plain = http.createServer((req, res) => {
      if (req.url === '/old') return void res.writeHead(302, { location: '/new' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      res.end('{"status":"ok","checks":{"db":true}}');
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await pools.close();
    tlsServer.closeAllConnections(); plain.closeAllConnections();
    await Promise.all([new Promise((r) => tlsServer.close(r)), new Promise((r) => plain.close(r))]);
    fs.rmSync(dir, { recursive: true });
  });

  const probe = (opts: Record<string, unknown>) => {
    const cfg = { kind: 'http', name: 'http', timeoutMs: 2_000, ...httpProbe.options.parse(opts) };
    return httpProbe.create(cfg, { component: 't', logger: pino({ level: 'silent' }), http: pools });
  };

  it('verifies TLS by default: a self-signed certificate fails with reason tls', async () => {
    const o = await runWithDeadline(probe({ url: tlsUrl }), 2_000);
    expect(o).toMatchObject({ success: false, reason: 'tls' });
  });

  it('accepts it when tls_verify is false', async () => {
    const o = await runWithDeadline(probe({ url: tlsUrl, tls_verify: false, expect: { body_contains: 'ok' } }), 2_000);
    expect(o).toMatchObject({ success: true });
  });

  it('follows redirects by default, and reports the 302 when told not to', async () => {
    expect(await runWithDeadline(probe({ url: `${base}/old`, expect: { json: { 'checks.db': true } } }), 2_000)).toMatchObject({ success: true });
    expect(await runWithDeadline(probe({ url: `${base}/old`, follow_redirects: false }), 2_000)).toMatchObject({ success: false, reason: 'status 302' });
    expect(await runWithDeadline(probe({ url: `${base}/old`, follow_redirects: false, expect: { status: [302] } }), 2_000)).toMatchObject({ success: true });
  });

  it('gives up on a redirect loop', async () => {
    const o = await runWithDeadline(probe({ url: `${base}/loop`, max_redirects: 3 }), 2_000);
    expect(o.success).toBe(false);
    expect(o.reason).toBe('redirect loop');
  });

  it('names a JSON field that does not match', async () => {
    const o = await runWithDeadline(probe({ url: `${base}/x`, expect: { json: { status: 'healthy' } } }), 2_000);
    expect(o).toMatchObject({ success: false, reason: 'json status is "ok", want "healthy"' });
  });
});
