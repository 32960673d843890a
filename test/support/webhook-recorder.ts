/*
 * An incident webhook receiver kept in the test process's memory (exporter/src/sinks/webhook.ts is
 * the sender). It checks each request the way the sink documents it (POST, JSON, bearer token when
 * set, an `Idempotency-Key`, the body shape) and answers 400 to anything else, recorded as a
 * violation. It applies a change once per key, as a receiver honouring Idempotency-Key does, and
 * keeps every request that reached it, so tests can count both. It can fail or hang requests.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { z } from 'zod';

const entry = z.object({ at: z.string(), kind: z.string(), author: z.string(), text: z.string() }).loose();
const body = z.strictObject({
  change: z.strictObject({ seq: z.number().int().positive(), kind: z.enum(['opened', 'updated', 'resolved']), at: z.string(), entries: z.array(entry) }),
  incident: z.object({ id: z.string().regex(/^INC-\d+$/), status: z.string(), title: z.string() }).loose(),
  redelivery: z.boolean(),
});
export type WebhookBody = z.infer<typeof body>;

export interface WebhookRequest {
  readonly key: string;
  readonly body: WebhookBody;
  /** What the recorder answered; 0 for a request it never answered. */
  status: number;
}

export interface WebhookRecorder {
  readonly url: string;
  readonly token: string;
  /** Every well-formed request that arrived, in order (failed and hung ones too). */
  received(): WebhookRequest[];
  /** Changes applied: the first successful delivery of each key, in order. */
  applied(): WebhookRequest[];
  violations(): string[];
  /** Answer the next N requests with `status` (and Retry-After when given) without applying them. */
  failNext(n: number, status?: number, retryAfter?: string): void;
  /** Apply the next N requests but never answer them (the sender's answer is lost). */
  hangNext(n: number): void;
  close(): Promise<void>;
}

export async function startWebhookRecorder(token = 'webhook-recorder-token-51c9'): Promise<WebhookRecorder> {
  const received: WebhookRequest[] = [];
  const applied: WebhookRequest[] = [];
  const seen = new Set<string>();
  const violations: string[] = [];
  let fail = { left: 0, status: 503, retryAfter: undefined as string | undefined };
  let hangLeft = 0;
  const hung = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (d: string) => { raw += d; }).on('end', () => {
      const refuse = (why: string) => {
        violations.push(why);
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: why }));
      };
      if (req.method !== 'POST') return refuse(`method ${req.method}`);
      if (req.headers['content-type'] !== 'application/json') return refuse(`content-type ${req.headers['content-type']}`);
      if (req.headers.authorization !== `Bearer ${token}`) return refuse('bad or missing bearer token');
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') return refuse('no Idempotency-Key');
      let parsed: WebhookBody;
      try {
        parsed = body.parse(JSON.parse(raw));
      } catch (e) {
        return refuse(`body: ${(e as Error).message.slice(0, 200)}`);
      }
      const r: WebhookRequest = { key, body: parsed, status: 0 };
      received.push(r);
      if (fail.left > 0) {
        fail.left--;
        r.status = fail.status;
        res.writeHead(fail.status, fail.retryAfter ? { 'retry-after': fail.retryAfter } : {}).end('injected failure');
        return;
      }
      if (!seen.has(key)) {
        seen.add(key);
        applied.push(r);
      }
      if (hangLeft > 0) {
        hangLeft--;
        hung.add(res);
        return;
      }
      r.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/incidents`,
    token,
    received: () => [...received],
    applied: () => [...applied],
    violations: () => [...violations],
    failNext(n, status = 503, retryAfter) { fail = { left: n, status, retryAfter }; },
    hangNext(n) { hangLeft = n; },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
