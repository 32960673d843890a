import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { ProbeKind, ProbeOutcome } from './types.js';
import { networkReason, since } from './errors.js';

/** Enough to find a health marker; a probe must not download a large page every cycle. */
const MAX_BODY_BYTES = 1 << 20;

/** RFC 9110 token: what undici accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const options = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
  // A CR, LF or NUL in a value made undici refuse every request (und_err_invalid_arg), a false
  // outage; refused here instead. The value is not quoted: it may be a credential.
  headers: z.record(
    z.string().regex(HEADER_NAME, 'must be a header name (letters, digits and !#$%&\'*+.^_`|~-)'),
    z.string().refine((v) => !/[\r\n\0]/.test(v), 'a header value cannot contain a line break (CR, LF) or NUL'),
  ).default({}),
  body: z.string().optional(),
  expect: z.strictObject({
    status: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    body_contains: z.string().min(1).optional(),
    /** Dotted path in the JSON body -> expected value, e.g. {"status": "ok", "checks.db": true}. */
    json: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }).prefault({}),
  tls_verify: z.boolean().default(true),
  follow_redirects: z.boolean().default(true),
  max_redirects: z.number().int().min(1).max(20).default(10),
});

/**
 * `http://user:pass@host` sends HTTP Basic credentials, as curl does (blackbox_exporter has
 * `basic_auth` for the same). Before, the userinfo was dropped and the probe failed with 401: a
 * false outage (issue 14).
 */
function basicAuth(target: URL, headers: Readonly<Record<string, string>>): Record<string, string> {
  if (target.username === '' && target.password === '') return {};
  // An Authorization header written in the config says more than the URL: it wins.
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) return {};
  const decode = (s: string) => { try { return decodeURIComponent(s); } catch { return s; } };
  const user = decode(target.username);
  const pass = decode(target.password);
  return { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

export type HttpOptions = z.output<typeof options>;

function lookup(value: unknown, dotted: string): unknown {
  let v = value;
  for (const part of dotted.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    chunks.push(buf);
    if (size >= MAX_BODY_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

export const httpProbe: ProbeKind<HttpOptions> = {
  kind: 'http',
  options,
  create(cfg, ctx) {
    const dispatcher = ctx.http.get({ verifyTls: cfg.tls_verify, maxRedirections: cfg.follow_redirects ? cfg.max_redirects : 0 });
    const wantsBody = cfg.expect.body_contains !== undefined || cfg.expect.json !== undefined;
    const jsonChecks = Object.entries(cfg.expect.json ?? {});
    // Only strings are kept per probe (not a URL object, nor a headers object built per run): at
    // 10,000 probes every retained object counts.
    const target = new URL(cfg.url);
    const origin = target.origin;
    const path = target.pathname + target.search;
    const headers = { 'user-agent': 'statusgraph', ...basicAuth(target, cfg.headers), ...cfg.headers };
    return {
      async run(signal): Promise<ProbeOutcome> {
        const start = performance.now();
        try {
          const res = await dispatcher.request({
            origin,
            path,
            method: cfg.method,
            headers,
            ...(cfg.body !== undefined ? { body: cfg.body } : {}),
            signal,
          });
          let text = '';
          if (wantsBody && cfg.method !== 'HEAD') text = await readLimited(res.body);
          else await res.body.dump({ limit: MAX_BODY_BYTES, signal });
          const durationSeconds = since(start);
          const info = { status_code: res.statusCode };
          if (!cfg.expect.status.includes(res.statusCode)) {
            return { success: false, durationSeconds, reason: `status ${res.statusCode}`, info };
          }
          if (cfg.expect.body_contains !== undefined && !text.includes(cfg.expect.body_contains)) {
            return { success: false, durationSeconds, reason: 'body mismatch', info };
          }
          if (jsonChecks.length > 0) {
            let doc: unknown;
            try { doc = JSON.parse(text); } catch { return { success: false, durationSeconds, reason: 'body not JSON', info }; }
            for (const [field, want] of jsonChecks) {
              const got = lookup(doc, field);
              if (got !== want) return { success: false, durationSeconds, reason: `json ${field} is ${JSON.stringify(got) ?? 'missing'}, want ${JSON.stringify(want)}`, info };
            }
          }
          return { success: true, durationSeconds, info };
        } catch (err) {
          return { success: false, durationSeconds: since(start), reason: networkReason(err, signal) };
        }
      },
      async close() { /* the pools are shared and closed with the monitor */ },
    };
  },
};
