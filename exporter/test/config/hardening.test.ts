/*
 * Issue 14, config half: each bad input below broke `check-config` or `run` (a hang, a stack
 * trace, a value echoed, a problem hidden, or a config accepted that failed at run time). Each
 * must now be one FILE:LINE:COL line, at the right place, changing nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { embeddedSecrets } from '@statusgraph/core';
import { interpolate } from '../../src/config/interpolate.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { httpProbe } from '../../src/probes/http.js';
import { HttpDispatchers } from '../../src/probes/http-dispatchers.js';
import { runWithDeadline } from '../../src/engine/deadline.js';

const opts = (env: Record<string, string> = {}) => ({ env, probeKinds: PROBE_KINDS });
const component = `components:
  - name: api
    tier: service
    probes:
      - kind: http
        url: http://127.0.0.1:8080/health
`;

function issues(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, 'sg.yml', opts(env));
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('config was accepted');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-hard-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bounded, linear input (items 1 and 4)', () => {
  it('refuses a 1 MB display_name at its position (it froze the loader for minutes)', () => {
    const text = component.replace('tier: service', `tier: service\n    display_name: ${'a'.repeat(1_000_000)}`);
    expect(issues(text)).toEqual(['sg.yml:4:19: a string of 1,000,000 characters; the limit is 65,536']);
  });

  it('loads a display_name of 60,000 letters, and finds URL passwords as the old pattern did', () => {
    const name = 'a'.repeat(60_000);
    const c = parseConfig(component.replace('tier: service', `tier: service\n    display_name: ${name}`), 'sg.yml', opts());
    expect(c.components[0]!.displayName).toBe(name);
    // The quadratic patterns it replaces, as the reference for what must be found.
    const old = (value: string) => {
      const found: string[] = [];
      for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/gi)) {
        found.push(m[1]!);
        try { found.push(decodeURIComponent(m[1]!)); } catch { /* not encoded */ }
      }
      for (const m of value.matchAll(/(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi)) found.push(m[1]!.replace(/^'|'$/g, ''));
      return found;
    };
    for (const v of ['postgres://u:p%40ss@h/db', 'x 1a+b://u:pw@h amqp://:pw2@h/', 'http://a:b:c@h', 'a://b:@h', '://u:p@h', 'redis://u:p@h/x://v:q@h',
      "host=h password='se cret' user=u", 'password=abc PASSWORD = x', "password='unclosed x", 'xpassword=no']) {
      expect(embeddedSecrets(v), v).toEqual(old(v));
    }
  });

  it('reads ${...} references in one pass; an unclosed ${ is left as written', () => {
    expect(interpolate('${A}-$${B}-${'.repeat(1) + 'x', { A: 'a' })).toBe('a-${B}-${x');
    expect(interpolate('${'.repeat(50_000), {})).toBe('${'.repeat(50_000));
  });

  it('refuses an alias bomb at the first alias (a ReferenceError stack trace before)', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 7; i++) {
      const p = String.fromCharCode(97 + i - 1);
      bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${p}`).join(', ')}]`);
    }
    expect(issues(`${bomb.join('\n')}\n${component}`)).toEqual([
      'sg.yml:2:8: YAML: the aliases expand to too many values (more than 100 copies); write the repeated parts out',
    ]);
  });

  it('refuses 2,000-deep block and flow nesting with a position (a stack overflow before)', () => {
    let block = 'x:\n';
    for (let i = 1; i <= 2_000; i++) block += `${' '.repeat(i)}a:\n`;
    expect(issues(block + component)).toEqual(['sg.yml:64:65: nested more than 64 levels deep']);
    expect(issues(`x: ${'['.repeat(2_000)}${']'.repeat(2_000)}\n${component}`)).toEqual(['sg.yml:1:66: nested more than 64 levels deep']);
  });

  it('refuses a config file over 4 MiB before reading it, and a directory, in words', () => {
    const big = path.join(dir, 'big.yml');
    fs.writeFileSync(big, `# ${'x'.repeat(5 * 1024 * 1024)}\n${component}`);
    expect(() => loadConfigFile(big, opts())).toThrow(`${big}:1:1: cannot read the config: too large: 5.0 MiB, the limit is 4.0 MiB`);
    expect(() => loadConfigFile(dir, opts())).toThrow(`${dir}:1:1: cannot read the config: is a directory, not a file`);
  });

  it('reads ${file:...} from regular files only, size-capped: /dev/zero, a FIFO, a directory and a large file are refused', () => {
    const fifo = path.join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const large = path.join(dir, 'large');
    fs.writeFileSync(large, 'x'.repeat(70_000));
    const at = (f: string) => issues(`grafana:\n  url: http://grafana:3000\n  token: \${file:${f}}\n${component}`);
    expect(at('/dev/zero')).toEqual(['sg.yml:3:10: cannot read ${file:/dev/zero}: not a regular file (a device, FIFO or socket)']);
    expect(at(fifo)).toEqual([`sg.yml:3:10: cannot read \${file:${fifo}}: not a regular file (a device, FIFO or socket)`]);
    expect(at(dir)).toEqual([`sg.yml:3:10: cannot read \${file:${dir}}: is a directory, not a file`]);
    expect(at(large)).toEqual([`sg.yml:3:10: cannot read \${file:${large}}: too large: 69 KiB, the limit is 64 KiB`]);
  });

  it('says "more than one YAML document", not the library\'s parseAllDocuments() hint', () => {
    expect(issues(`${component}---\n${component}`)).toEqual(['sg.yml:7:1: more than one YAML document (a "---" line starts a second one; a config is one document)']);
  });
});

describe('check-config lists every problem (item 5)', () => {
  it('runs the timeout, duplicate-name, unknown-dependency and cycle checks although the schema failed', () => {
    const text = `interval: 2s
timeout: 3s
components:
  - name: a
    tier: backend
    depends_on: [b, ghost]
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
  - name: b
    tier: service
    depends_on: [a]
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
  - name: b
    tier: service
    probes: [{ kind: tcp, address: "127.0.0.1:1", timeout: 5s }]
`;
    expect(issues(text)).toEqual([
      'sg.yml:2:10: timeout (3000ms) must be below interval (2000ms)',
      'sg.yml:5:11: components.0.tier: must be one of "service", "infrastructure", "third-party", got string "backend"',
      'sg.yml:6:17: depends_on forms a cycle: a -> b -> a',
      'sg.yml:6:21: components.0.depends_on: unknown component "ghost"',
      'sg.yml:12:11: duplicate component name "b" (first defined at components.1)',
      'sg.yml:14:60: components.2.probes.0.timeout: must be below interval (2000ms)',
    ]);
  });
});

describe('what run refuses, check-config refuses first (item 6)', () => {
  it.each([
    ['a CIDR that is no address', `auth:\n  tokens: [tok-12345]\n  allow: ['999.1.1.1/99']\n`, 'sg.yml:3:11: auth.allow.0: must be an IP address or CIDR range, e.g. 10.0.0.0/8 or ::1'],
    ['a prefix too long for IPv4', `auth:\n  tokens: [tok-12345]\n  allow: [10.0.0.0/33]\n`, 'sg.yml:3:11: auth.allow.0: must be an IP address or CIDR range'],
    ['a port over 65535', 'listen: 127.0.0.1:99999\n', 'sg.yml:1:9: listen: the port must be a number from 0 to 65535'],
    ['a host with spaces', "listen: 'my host:9470'\n", 'sg.yml:1:9: listen: the host must be empty, an IPv4 address, [an IPv6 address] or a host name'],
    ['an interval of 0.001ms', 'interval: 0.001ms\n', 'sg.yml:1:11: interval: must be between 500ms and 1d, got "0.001ms"'],
    ['an interval of 25d (over setTimeout\'s limit)', 'interval: 25d\n', 'sg.yml:1:11: interval: must be between 500ms and 1d, got "25d"'],
    ['an interval below the default timeout', 'interval: 5s\n', 'sg.yml:1:11: interval (5000ms) must be above the default timeout (10000ms); set a shorter timeout'],
  ])('%s', (_n, head, expected) => {
    expect(issues(head + component)[0]!.startsWith(expected), issues(head + component).join('\n')).toBe(true);
  });

  it('refuses a header value with CR or LF, without quoting it', () => {
    const text = `${component}        headers: { Authorization: "Bearer abc\\r\\nX-Evil: 1" }\n`;
    expect(issues(text)).toEqual(['sg.yml:7:35: components.0.probes.0.headers.Authorization: a header value cannot contain a line break (CR, LF) or NUL']);
  });

  it('sends the credentials of http://user:pass@host as Basic auth (they were dropped: a false outage)', async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => { seen.push(req.headers.authorization); res.end('ok'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const pools = new HttpDispatchers();
    try {
      const port = (server.address() as AddressInfo).port;
      const c = parseConfig(component.replace('http://127.0.0.1:8080/health', `http://probe%20user:\${PASS}@127.0.0.1:${port}/health`), 'sg.yml', opts({ PASS: 's3cr:et' }));
      const cfg = c.components[0]!.probes[0]!;
      const probe = httpProbe.create(cfg as unknown as Parameters<typeof httpProbe.create>[0], { component: 'api', logger: pino({ level: 'silent' }), http: pools });
      expect((await runWithDeadline(probe, 2_000)).success).toBe(true);
      expect(seen).toEqual([`Basic ${Buffer.from('probe user:s3cr:et').toString('base64')}`]);
      expect(c.secrets).toContain('s3cr:et');
    } finally {
      await pools.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('a secret is never echoed (item 10)', () => {
  it.each([
    ['signing_secret as a number', 'slack:\n  signing_secret: 5551234987\n', 'sg.yml:2:19: slack.signing_secret: expected string, got a number (not shown: the key holds a secret)', '5551234987'],
    ['a token in the list as a number', 'auth:\n  tokens: [55512349876]\n', 'sg.yml:2:11: auth.tokens: expected a list of tokens, or a string with one token per line', '55512349876'],
    ['grafana.token as a boolean-like', 'grafana:\n  url: http://g:3000\n  token: 98765432101\n', 'sg.yml:3:10: grafana.token: expected string, got a number (not shown: the key holds a secret)', '98765432101'],
    ['a malformed reference under a secret key', 'grafana:\n  url: http://g:3000\n  token: ${hunter2 secret}\n', 'sg.yml:3:10: invalid reference (not shown: the key holds a secret)', 'hunter2'],
  ])('%s', (_n, head, expected, secret) => {
    const got = issues(head + component);
    expect(got[0]!.startsWith(expected), got.join('\n')).toBe(true);
    expect(got.join('\n')).not.toContain(secret);
  });
});

describe('messages for newcomers (item 13, config part)', () => {
  it('says what a duration is expected to be', () => {
    expect(issues(`interval: true\n${component}`)).toEqual(['sg.yml:1:11: interval: expected a duration like 30s, got boolean true']);
  });

  it('reports a missing environment variable once, not again as a bad value', () => {
    expect(issues(component.replace('http://127.0.0.1:8080/health', '${ORDERS_URL}'))).toEqual(['sg.yml:6:14: environment variable ORDERS_URL is not set']);
  });

  it('names a missing config file in words', () => {
    expect(() => loadConfigFile('/nonexistent/sg.yml', opts())).toThrow('/nonexistent/sg.yml:1:1: cannot read the config: no such file (ENOENT)');
  });
});
