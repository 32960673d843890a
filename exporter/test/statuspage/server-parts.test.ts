import { describe, expect, it } from 'vitest';
import { BOOT_MARKER, renderLogin, renderPage, scriptJson } from '../../src/statuspage/page.js';
import { loginCookies, logoutCookies } from '../../src/statuspage/session.js';
import { sameOrigin } from '../../src/http/csrf.js';
import { latencyView, uptimeView } from '../../src/statuspage/views.js';

describe('status page server parts', () => {
  it('embeds boot data that cannot close its script element', () => {
    const json = scriptJson({ s: '</script><script>alert(1)</script>', amp: '&' });
    expect(json).not.toContain('<');
    expect(json).not.toContain('>');
    expect(JSON.parse(json)).toEqual({ s: '</script><script>alert(1)</script>', amp: '&' });
    const html = renderPage(`<head>${BOOT_MARKER}</head>`, { canWrite: true, signedIn: false, readPublic: false, demo: true, intervalMs: 2000 });
    expect(html).toContain('<script id="boot" type="application/json">{"canWrite":true');
    expect(() => renderPage('<head></head>', { canWrite: false, signedIn: false, readPublic: true, demo: false, intervalMs: 1 })).toThrow(/boot marker/);
  });

  it('escapes the login error', () => {
    expect(renderLogin({ error: '<b>x</b>' })).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('builds the session cookie with the flags that keep it out of scripts and cross-site requests', () => {
    expect(loginCookies('a b;c', false)).toEqual([
      'statusgraph_session=a%20b%3Bc; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200',
      // The cookie of earlier builds held the raw token: expired on every sign-in.
      'statusgraph_token=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    ]);
    expect(loginCookies('t', true)[0]).toMatch(/; Secure$/);
    expect(logoutCookies(false)).toEqual([
      'statusgraph_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
      'statusgraph_token=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    ]);
  });

  it('tells same-origin form posts from cross-site ones', () => {
    expect(sameOrigin(undefined, 'status.example:9470')).toBe(true);
    expect(sameOrigin('http://status.example:9470', 'status.example:9470')).toBe(true);
    expect(sameOrigin('http://evil.example', 'status.example:9470')).toBe(false);
    expect(sameOrigin('null', 'status.example:9470')).toBe(false);
  });

  it('serialises uptime and latency as compact rows', () => {
    const u = uptimeView({
      from: Date.UTC(2026, 10, 20), to: Date.UTC(2026, 10, 21, 1), days: 90,
      components: [{ name: 'a', availability: 0.9876543, days: [{ day: '2026-11-20', observed: 86400, seconds: [86000, 0, 0, 400.12345], planned: 0, worst: 'major_outage' }] }],
    });
    expect(u.components[0]).toEqual({ name: 'a', availability: 0.987654, days: [['2026-11-20', 86400, 86000, 0, 0, 400.123]] });
    // Planned outage time (issue 19) ends a row only when there was some.
    const p = uptimeView({
      from: Date.UTC(2026, 10, 20), to: Date.UTC(2026, 10, 21, 1), days: 90,
      components: [{ name: 'a', availability: 1, days: [{ day: '2026-11-20', observed: 86400, seconds: [84600, 0, 0, 0], planned: 1800.0004, worst: 'operational' }] }],
    });
    expect(p.columns.at(-1)).toBe('planned');
    expect(p.components[0]!.days).toEqual([['2026-11-20', 86400, 84600, 0, 0, 0, 1800]]);
    const l = latencyView([{ component: 'a', probe: 'http', widthMs: 1000, buckets: [
      { start: 0, count: 2, sum: 0.3, max: 0.2, failures: 0 }, { start: 1000, count: 0, sum: 0, max: -Infinity, failures: 1 },
    ] }], 5000);
    expect(l.probes[0]!.buckets).toEqual([[0, 0.15, 0.2, 0], [1000, null, null, 1]]);
  });
});
