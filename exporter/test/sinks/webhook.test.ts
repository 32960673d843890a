import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { buildSinks } from '../../src/sinks/registry.js';
import { retryAfterMs, statusResult } from '../../src/sinks/webhook.js';
import { silentLogger } from '../incidents/fixtures.js';

const NOW = Date.UTC(2026, 10, 21, 7, 0, 0);
const component = `components:
  - name: api
    tier: service
    probes: [{ kind: http, url: "http://127.0.0.1:8080/health" }]
`;
const parse = (text: string, env: Record<string, string> = {}) => parseConfig(text, 'sg.yml', { env, probeKinds: PROBE_KINDS });

describe('webhook sink', () => {
  it('maps statuses as Alertmanager does: 2xx done, 5xx/408/429 retried, other statuses given up', () => {
    expect(statusResult(204, '', undefined, NOW)).toEqual({ outcome: 'delivered' });
    expect(statusResult(503, 'busy', undefined, NOW)).toEqual({ outcome: 'retry', error: 'POST: 503 busy' });
    expect(statusResult(408, '', undefined, NOW).outcome).toBe('retry');
    expect(statusResult(429, 'slow down', '7', NOW)).toEqual({ outcome: 'retry', error: 'POST: 429 slow down', retryAfterMs: 7000 });
    expect(statusResult(400, 'bad field', undefined, NOW)).toEqual({ outcome: 'failed', error: 'POST: 400 bad field' });
    expect(statusResult(404, '', undefined, NOW).outcome).toBe('failed');
    expect(statusResult(301, '', undefined, NOW).outcome).toBe('failed');
  });

  it('reads Retry-After as seconds or an HTTP date, bounded to [0, 1 h]', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(retryAfterMs(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
    expect(retryAfterMs('999999', NOW)).toBe(3_600_000);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });

  it('is configured under webhooks:, one sink per entry, next to Grafana', async () => {
    const config = parse(`grafana:
  url: http://grafana:3000
  token: g-token
webhooks:
  - name: ops
    url: https://hooks.example.com/statusgraph
    token: \${HOOK_TOKEN}
  - name: audit
    url: http://audit.internal/in
${component}`, { HOOK_TOKEN: 'h-secret' });
    expect(config.webhooks).toEqual([
      { name: 'ops', url: 'https://hooks.example.com/statusgraph', token: 'h-secret' },
      { name: 'audit', url: 'http://audit.internal/in' },
    ]);
    expect(config.secrets).toContain('h-secret');
    const sinks = buildSinks(config, { logger: silentLogger });
    expect(sinks.map((s) => [s.name, s.coalesce])).toEqual([['grafana', true], ['webhook:ops', false], ['webhook:audit', false]]);
    await Promise.all(sinks.map((s) => s.close()));
    expect(buildSinks(parse(component), { logger: silentLogger })).toEqual([]);
  });

  it('refuses duplicate webhook names and non-http URLs', () => {
    const bad = (text: string) => {
      try { parse(text); } catch (e) { if (e instanceof ConfigError) return e.message; throw e; }
      throw new Error('accepted');
    };
    expect(bad(`webhooks:\n  - { name: ops, url: "http://a/" }\n  - { name: ops, url: "http://b/" }\n${component}`)).toMatch(/webhook names must be unique/);
    expect(bad(`webhooks:\n  - { name: ops, url: "ftp://a/" }\n${component}`)).toMatch(/http\(s\) URL/);
  });
});
