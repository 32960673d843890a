import type amqp from 'amqplib';
import { z } from 'zod';
import { embeddedSecrets, makeRedactor } from '@statusgraph/core';
import type { Measurement, ProbeKind, ProbeOutcome } from './types.js';
import { DeadlineError, raceAbort } from './abort.js';
import { networkReason, since } from './errors.js';

const queueSchema = z.strictObject({
  name: z.string().min(1),
  /** Degraded when more messages than this are ready in the queue. */
  max_depth: z.number().int().min(0).optional(),
  /** Degraded when the queue has no consumer. */
  require_consumers: z.boolean().default(false),
});

const options = z.strictObject({
  /** amqp://user:password@host:port/vhost (amqps:// for TLS) */
  url: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL'),
  queues: z.array(queueSchema)
    .refine((qs) => new Set(qs.map((q) => q.name)).size === qs.length, 'queue names must be unique')
    .default([]),
});

export type RabbitOptions = z.output<typeof options>;
export type QueueRule = z.output<typeof queueSchema>;

export interface QueueStats {
  readonly name: string;
  /** Undefined when the queue does not exist. */
  readonly messages?: number;
  readonly consumers?: number;
}

/** Builds the outcome from per-queue counts: pure, so the thresholds are tested without a broker. */
export function rabbitOutcome(durationSeconds: number, rules: readonly QueueRule[], stats: readonly QueueStats[]): ProbeOutcome {
  const measurements: Measurement[] = [];
  const missing: string[] = [];
  const over: string[] = [];
  const queues: string[] = [];
  for (const rule of rules) {
    const s = stats.find((x) => x.name === rule.name);
    if (!s || s.messages === undefined || s.consumers === undefined) {
      missing.push(rule.name);
      continue;
    }
    measurements.push({ metric: 'rabbitmq_queue_messages', value: s.messages, labels: { queue: rule.name } });
    measurements.push({ metric: 'rabbitmq_queue_consumers', value: s.consumers, labels: { queue: rule.name } });
    queues.push(`${rule.name}: ${s.messages} messages, ${s.consumers} consumers`);
    if (rule.max_depth !== undefined && s.messages > rule.max_depth) {
      over.push(`queue ${rule.name} depth ${s.messages} (threshold: ${rule.max_depth})`);
    }
    if (rule.require_consumers && s.consumers === 0) over.push(`queue ${rule.name} has no consumers`);
  }
  if (missing.length > 0) {
    const reason = missing.length === 1 ? `queue ${missing[0]} not found` : `queues not found: ${missing.join(', ')}`;
    return { success: false, durationSeconds, reason, measurements, info: { queues } };
  }
  return { success: true, durationSeconds, measurements, info: { queues }, ...(over.length ? { degradedReason: over.join('; ') } : {}) };
}

/** A short, secret-free reason; amqplib's messages can quote the server's text, never trusted as is. */
export function rabbitReason(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted || err instanceof DeadlineError) return 'timeout';
  const message = String((err as { message?: unknown })?.message ?? '');
  if (/ACCESS.REFUSED|403/.test(message) && /handshake|login|refused/i.test(message)) return 'auth failed';
  // amqplib hides the 530 of a refused connection.open behind this message; only the vhost is checked there.
  if (/NOT.ALLOWED|530|Expected ConnectionOpenOk; got <ConnectionClose/.test(message)) return 'vhost not allowed';
  if (/connect ETIMEDOUT/.test(message)) return 'timeout';
  if (/CONNECTION.FORCED|320/.test(message)) return 'broker closed the connection';
  if (/closed abruptly|Socket closed|Connection closed/i.test(message) && (err as { code?: unknown })?.code === undefined) return 'connection closed';
  return networkReason(err, signal);
}

/** The socket under an amqplib connection: a deadline destroys it, as amqplib calls take no signal. */
function destroySocket(conn: amqp.ChannelModel): void {
  const stream = (conn as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}

/** checkQueue fails with 404 and closes the channel when the queue does not exist. */
function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 404 || /NOT.FOUND/.test(String((err as { message?: unknown })?.message ?? ''));
}

export const rabbitmqProbe: ProbeKind<RabbitOptions> = {
  kind: 'rabbitmq',
  options,
  configMeasurements: (cfg) => cfg.queues.flatMap((q) => (q.max_depth !== undefined
    ? [{ metric: 'rabbitmq_queue_max_messages', value: q.max_depth, labels: { queue: q.name } }]
    : [])),
  metrics: [
    { name: 'rabbitmq_queue_messages', help: 'Messages ready in a RabbitMQ queue.', labelNames: ['queue'] },
    { name: 'rabbitmq_queue_consumers', help: 'Consumers of a RabbitMQ queue.', labelNames: ['queue'] },
    { name: 'rabbitmq_queue_max_messages', help: 'Configured max_depth of a RabbitMQ queue: above it the component is degraded.', labelNames: ['queue'] },
  ],
  // Only when a probe of this kind is configured (~15 MB of RSS when none is), and before its deadline.
  async load() { await import('amqplib'); },
  create(cfg, ctx) {
    const redact = makeRedactor(embeddedSecrets(cfg.url));
    let conn: amqp.ChannelModel | undefined;
    let channel: amqp.Channel | undefined;

    const drop = (c: amqp.ChannelModel | undefined) => {
      if (!c) return;
      if (conn === c) { conn = undefined; channel = undefined; }
      destroySocket(c);
    };

    const connect = async (): Promise<amqp.ChannelModel> => {
      // Already loaded by load() before the first deadline; the import is the module cache here.
      const { connect: amqpConnect } = await import('amqplib');
      const c = await amqpConnect(cfg.url, {
        timeout: cfg.timeoutMs,
        clientProperties: { connection_name: `statusgraph ${ctx.component}` },
      });
      // Broker shutdown or a network error arrives as events on an idle connection.
      c.on('error', () => undefined);
      c.on('close', () => { if (conn === c) { conn = undefined; channel = undefined; } });
      conn = c;
      return c;
    };

    const openChannel = async (c: amqp.ChannelModel): Promise<amqp.Channel> => {
      const ch = await c.createChannel();
      ch.on('error', () => undefined);
      ch.on('close', () => { if (channel === ch) channel = undefined; });
      channel = ch;
      return ch;
    };

    const check = async (c: amqp.ChannelModel): Promise<ProbeOutcome> => {
      const start = performance.now();
      const stats: QueueStats[] = [];
      let ch = channel ?? await openChannel(c);
      for (const q of cfg.queues) {
        try {
          const r = await ch.checkQueue(q.name);
          stats.push({ name: q.name, messages: r.messageCount, consumers: r.consumerCount });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          stats.push({ name: q.name });
          ch = await openChannel(c);
        }
      }
      // With no queue configured, a channel round trip still proves the broker answers.
      if (cfg.queues.length === 0) await ch.checkExchange('amq.direct');
      return rabbitOutcome(since(start), cfg.queues, stats);
    };

    const attempt = (signal: AbortSignal, reuse: amqp.ChannelModel | undefined): Promise<ProbeOutcome> => {
      let current = reuse;
      let abandoned = false;
      const connecting = reuse ? undefined : connect();
      // A connect still pending at the deadline may open later: close it then.
      connecting?.then((c) => { if (abandoned) drop(c); }, () => undefined);
      const work = (async () => {
        current ??= await connecting!;
        return check(current);
      })();
      return raceAbort(work, signal, () => { abandoned = true; drop(current ?? conn); });
    };

    return {
      async run(signal) {
        const start = performance.now();
        const reused = conn;
        try {
          return await attempt(signal, reused);
        } catch (err) {
          drop(reused ?? conn);
          // A kept connection that died quietly since the last run gets one fresh try.
          if (reused && !signal.aborted) {
            try {
              return await attempt(signal, undefined);
            } catch (retryErr) {
              drop(conn);
              return { success: false, durationSeconds: since(start), reason: redact(rabbitReason(retryErr, signal)) };
            }
          }
          return { success: false, durationSeconds: since(start), reason: redact(rabbitReason(err, signal)) };
        }
      },
      async close() {
        const c = conn;
        conn = undefined;
        channel = undefined;
        if (c) await c.close().catch(() => destroySocket(c));
      },
    };
  },
};
