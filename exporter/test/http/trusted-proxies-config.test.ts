/*
 * auth.trusted_proxy_header needs auth.trusted_proxies (issue 14, item 2): a header anyone can
 * send authenticates nobody unless the server knows which address is the proxy.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const COMPONENTS = `components:
  - name: api
    tier: service
    probes:
      - kind: http
        url: http://api:8080/health
`;
const parse = (auth: string) => parseConfig(`auth:\n  tokens: [t0k]\n${auth}${COMPONENTS}`, 'sg.yml', { env: {}, probeKinds: PROBE_KINDS });

describe('auth.trusted_proxies', () => {
  it('is required with trusted_proxy_header: refused at load, at the header, naming the fix', () => {
    let err: unknown;
    try { parse('  trusted_proxy_header: X-Remote-User\n'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('sg.yml:3:25: auth.trusted_proxy_header: needs auth.trusted_proxies, the addresses of the proxy that sets it (e.g. trusted_proxies: [10.0.0.5/32]); from any other address the header is ignored');
  });

  it('is parsed into the auth config, and must list addresses', () => {
    const c = parse('  trusted_proxy_header: X-Remote-User\n  trusted_proxies: [10.0.0.5/32, "fd00::1"]\n');
    expect(c.auth).toMatchObject({ trustedProxyHeader: 'x-remote-user', trustedProxies: ['10.0.0.5/32', 'fd00::1'] });
    expect(() => parse('  trusted_proxy_header: X-Remote-User\n  trusted_proxies: []\n')).toThrow(/sg.yml:\d+:\d+: auth.trusted_proxies: list at least one proxy address/);
    expect(() => parse('  trusted_proxy_header: X-Remote-User\n  trusted_proxies: [proxy.internal]\n')).toThrow(/auth.trusted_proxies.0: must be an IP address or CIDR range/);
  });
});
