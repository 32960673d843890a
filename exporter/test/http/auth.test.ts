import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, tokenDigest, tokenMatches } from '../../src/http/auth.js';
import { SessionStore } from '../../src/http/sessions.js';
import type { AuthConfig } from '../../src/config/types.js';

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
  let clock = 1_000_000;
  const sessions = new SessionStore(() => clock);
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => { logLines.push(JSON.parse(s) as Record<string, unknown>); } });
  beforeAll(async () => {
    const mw = createAuth(() => auth, { sessions, logger });
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
    const id = sessions.create(tokenDigest('tok-1234'));
    expect((await call('GET', '/r', { cookie: `a=b; statusgraph_session=${id}` })).status).toBe(200);
    expect((await call('POST', '/w', { authorization: 'Bearer tok-1234' })).status).toBe(200);
  });

  it('the cookie holds a session, not the token: the token as a cookie, an expired or a deleted session are refused', async () => {
    auth = { tokens: ['tok-1234'], read: 'token' };
    // The cookie of earlier builds carried the token itself; it authenticates nothing now.
    expect((await call('GET', '/r', { cookie: 'statusgraph_token=tok-1234' })).status).toBe(401);
    expect((await call('GET', '/r', { cookie: 'statusgraph_session=tok-1234' })).status).toBe(401);
    const id = sessions.create(tokenDigest('tok-1234'));
    expect(id).not.toContain('tok-1234');
    expect((await call('GET', '/r', { cookie: `statusgraph_session=${id}` })).status).toBe(200);
    clock += 12 * 3_600_000;
    expect((await call('GET', '/r', { cookie: `statusgraph_session=${id}` })).status).toBe(401);
    const id2 = sessions.create(tokenDigest('tok-1234'));
    sessions.delete(id2);
    expect((await call('GET', '/r', { cookie: `statusgraph_session=${id2}` })).status).toBe(401);
    // A session ends with its token: removed from auth.tokens, its sessions stop working.
    const id3 = sessions.create(tokenDigest('tok-1234'));
    auth = { tokens: ['tok-5678'], read: 'token' };
    expect((await call('GET', '/r', { cookie: `statusgraph_session=${id3}` })).status).toBe(401);
  });

  it('read: public still needs a token to write; a trusted proxy header grants reads only', async () => {
    auth = { tokens: ['tok-1234'], read: 'public' };
    expect((await call('GET', '/r')).status).toBe(200);
    expect((await call('POST', '/w')).status).toBe(401);
    auth = { tokens: ['tok-1234'], read: 'token', trustedProxyHeader: 'x-forwarded-user', trustedProxies: ['127.0.0.1/32'] };
    expect((await call('GET', '/r', { 'x-forwarded-user': 'alice' })).status).toBe(200);
    expect((await call('POST', '/w', { 'x-forwarded-user': 'alice' })).status).toBe(401);
  });

  it('the trusted proxy header counts only from auth.trusted_proxies; from anyone else it is ignored and logged once', async () => {
    // The client here is 127.0.0.1, which is not the proxy.
    auth = { tokens: ['tok-1234'], read: 'token', trustedProxyHeader: 'x-forwarded-user', trustedProxies: ['10.0.0.5/32', '::1'] };
    logLines.length = 0;
    expect(await call('GET', '/r', { 'x-forwarded-user': 'eve' })).toEqual({ status: 401, body: { error: 'authentication required' } });
    expect((await call('GET', '/r', { 'x-forwarded-user': 'eve' })).status).toBe(401);
    // Ignored, not an error: the same request with a token still reads.
    expect((await call('GET', '/r', { 'x-forwarded-user': 'eve', authorization: 'Bearer tok-1234' })).status).toBe(200);
    const warned = logLines.filter((l) => l.event === 'untrusted_proxy_header');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ client: '127.0.0.1', header: 'x-forwarded-user' });
  });

  it('an allowlist that excludes the client refuses everything with 403', async () => {
    auth = { tokens: ['tok-1234'], read: 'public', allow: ['10.0.0.0/8'] };
    expect(await call('GET', '/r', { authorization: 'Bearer tok-1234' })).toEqual({ status: 403, body: { error: 'client address not allowed' } });
    auth = { tokens: ['tok-1234'], read: 'public', allow: ['127.0.0.0/8'] };
    expect((await call('GET', '/r')).status).toBe(200);
  });
});
