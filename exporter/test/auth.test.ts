import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, tokenMatches } from '../src/http/auth.js';
import type { AuthConfig } from '../src/config/types.js';

describe('tokenMatches', () => {
  it('matches exactly one of the configured tokens, whatever their lengths', () => {
    expect(tokenMatches('s3cret-token', ['other', 's3cret-token'])).toBe(true);
    expect(tokenMatches('s3cret-toke', ['s3cret-token'])).toBe(false);
    expect(tokenMatches('s3cret-token-longer', ['s3cret-token'])).toBe(false);
    expect(tokenMatches('', ['s3cret-token'])).toBe(false);
    expect(tokenMatches('x', [])).toBe(false);
  });
});

describe('auth middleware over HTTP', () => {
  let auth: AuthConfig | undefined;
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    const mw = createAuth(() => auth);
    const app = express();
    app.use(mw.allowlist);
    app.get('/r', mw.read, (_q, s) => { s.json({ ok: true }); });
    app.post('/w', mw.write, (_q, s) => { s.json({ ok: true }); });
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((r) => server.close(r)); });

  const call = async (method: string, p: string, headers: Record<string, string> = {}) => {
    const r = await fetch(base + p, { method, headers });
    return { status: r.status, body: await r.json() as Record<string, unknown> };
  };

  it('without auth config: reads are public, writes are refused', async () => {
    auth = undefined;
    expect((await call('GET', '/r')).status).toBe(200);
    expect(await call('POST', '/w')).toEqual({ status: 401, body: { error: 'write access is disabled: no auth.tokens configured' } });
  });

  it('read: token needs a valid bearer token or the login cookie', async () => {
    auth = { tokens: ['tok-1234'], read: 'token' };
    expect(await call('GET', '/r')).toEqual({ status: 401, body: { error: 'authentication required' } });
    expect(await call('GET', '/r', { authorization: 'Bearer wrong' })).toEqual({ status: 401, body: { error: 'invalid token' } });
    expect((await call('GET', '/r', { authorization: 'Bearer tok-1234' })).status).toBe(200);
    expect((await call('GET', '/r', { cookie: 'a=b; statusgraph_token=tok-1234' })).status).toBe(200);
    expect((await call('POST', '/w', { authorization: 'Bearer tok-1234' })).status).toBe(200);
  });

  it('read: public still needs a token to write; a trusted proxy header grants reads only', async () => {
    auth = { tokens: ['tok-1234'], read: 'public' };
    expect((await call('GET', '/r')).status).toBe(200);
    expect((await call('POST', '/w')).status).toBe(401);
    auth = { tokens: ['tok-1234'], read: 'token', trustedProxyHeader: 'x-forwarded-user' };
    expect((await call('GET', '/r', { 'x-forwarded-user': 'alice' })).status).toBe(200);
    expect((await call('POST', '/w', { 'x-forwarded-user': 'alice' })).status).toBe(401);
  });

  it('an allowlist that excludes the client refuses everything with 403', async () => {
    auth = { tokens: ['tok-1234'], read: 'public', allow: ['10.0.0.0/8'] };
    expect(await call('GET', '/r', { authorization: 'Bearer tok-1234' })).toEqual({ status: 403, body: { error: 'client address not allowed' } });
    auth = { tokens: ['tok-1234'], read: 'public', allow: ['127.0.0.0/8'] };
    expect((await call('GET', '/r')).status).toBe(200);
  });
});
