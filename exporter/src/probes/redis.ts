import type { Redis } from 'ioredis';
import { z } from 'zod';
import { embeddedSecrets, makeRedactor } from '@statusgraph/core';
import type { ProbeKind, ProbeOutcome } from './types.js';
import { DeadlineError, raceAbort } from './abort.js';
import { networkReason, since } from './errors.js';

const DEFAULT_MAX_MEMORY_RATIO = 0.9;

const options = z.strictObject({
  /** redis://[:password@]host:port[/db] (rediss:// for TLS) */
  url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  /** Degraded when used_memory / maxmemory is above this (only when maxmemory is set). */
  max_memory_ratio: z.number().gt(0).max(1).optional(),
});

export type RedisOptions = z.output<typeof options>;

/** used_memory and maxmemory from the text of INFO memory. */
export function parseMemoryInfo(info: string): { used: number; max: number } {
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:(\\d+)\\s*$`, 'm').exec(info);
    if (!m) throw new Error(`INFO memory has no ${name}`);
    return Number(m[1]);
  };
  return { used: field('used_memory'), max: field('maxmemory') };
}

/** Builds the outcome from the measured values: pure, so the threshold is tested without a server. */
export function redisOutcome(durationSeconds: number, mem: { used: number; max: number }, maxRatio = DEFAULT_MAX_MEMORY_RATIO): ProbeOutcome {
  const measurements = [
    { metric: 'redis_memory_used_bytes', value: mem.used },
    { metric: 'redis_memory_max_bytes', value: mem.max },
  ];
  const info: Record<string, number> = { memory_used_bytes: mem.used, memory_max_bytes: mem.max };
  // maxmemory 0 means "no limit": there is no ratio to exceed.
  if (mem.max > 0) {
    const ratio = mem.used / mem.max;
    info.memory_ratio = Math.round(ratio * 1000) / 1000;
    if (ratio > maxRatio) {
      const degradedReason = `memory ${Math.round(ratio * 100)}% of maxmemory (threshold: ${Math.round(maxRatio * 100)}%)`;
      return { success: true, durationSeconds, measurements, info, degradedReason };
    }
  }
  return { success: true, durationSeconds, measurements, info };
}

/** A short, secret-free reason. ioredis reports the server's refusal on 'error' and a bare "Connection is closed" from the call. */
export function redisReason(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted || err instanceof DeadlineError) return 'timeout';
  const message = String((err as { message?: unknown })?.message ?? '');
  if (/^(WRONGPASS|NOAUTH)|invalid password|without any password configured|invalid username-password/i.test(message)) return 'auth failed';
  if (/^NOPERM/.test(message)) return 'permission denied';
  if (/^LOADING/.test(message)) return 'loading dataset';
  if (/^MASTERDOWN/.test(message)) return 'replica has no master';
  if (/^BUSY/.test(message)) return 'busy running a script';
  if (/^ERR DB index is out of range|^ERR invalid DB index/.test(message)) return 'database index out of range';
  if (/Connection is closed/i.test(message) && (err as { code?: unknown })?.code === undefined) return 'connection closed';
  return networkReason(err, signal);
}

export const redisProbe: ProbeKind<RedisOptions> = {
  kind: 'redis',
  options,
  metrics: [
    { name: 'redis_memory_used_bytes', help: 'Redis used_memory from INFO.', labelNames: [] },
    { name: 'redis_memory_max_bytes', help: 'Redis maxmemory from INFO (0: no limit).', labelNames: [] },
  ],
  // Only when a probe of this kind is configured (~15 MB of RSS when none is), and before its deadline.
  async load() { await import('ioredis'); },
  create(cfg) {
    const redact = makeRedactor(embeddedSecrets(cfg.url));
    let client: Redis | undefined;
    // ioredis rejects the call with "Connection is closed" and emits the real cause (WRONGPASS,
    // ECONNREFUSED) as an event: keep it to name the failure.
    const lastError = new WeakMap<Redis, unknown>();

    const drop = (c: Redis | undefined) => {
      if (!c) return;
      if (client === c) client = undefined;
      c.disconnect(false);
    };

    const connect = async (): Promise<Redis> => {
      // Already loaded by load() before the first deadline; the import is the module cache here.
      const { Redis: Client } = await import('ioredis');
      const c = new Client(cfg.url, {
        lazyConnect: true,
        // The probe decides about reconnecting, once per run: ioredis must neither retry nor queue.
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        connectTimeout: cfg.timeoutMs,
        connectionName: 'statusgraph',
      });
      c.on('error', (err) => lastError.set(c, err));
      c.on('end', () => { if (client === c) client = undefined; });
      client = c;
      try {
        await c.connect();
      } catch (err) {
        throw lastError.get(c) ?? err;
      }
      return c;
    };

    const check = async (c: Redis): Promise<ProbeOutcome> => {
      const start = performance.now();
      await c.ping();
      const durationSeconds = since(start);
      const mem = parseMemoryInfo(await c.info('memory'));
      return redisOutcome(durationSeconds, mem, cfg.max_memory_ratio);
    };

    const attempt = (signal: AbortSignal, reuse: Redis | undefined): Promise<ProbeOutcome> => {
      let current = reuse;
      const work = (async () => {
        current ??= await connect();
        try {
          return await check(current);
        } catch (err) {
          throw lastError.get(current) ?? err;
        }
      })();
      return raceAbort(work, signal, () => drop(current ?? client));
    };

    return {
      async run(signal) {
        const start = performance.now();
        const reused = client?.status === 'ready' ? client : undefined;
        if (!reused) drop(client);
        try {
          return await attempt(signal, reused);
        } catch (err) {
          drop(reused ?? client);
          // A kept connection that died since the last run (server restarted) gets one fresh try.
          if (reused && !signal.aborted && (err as { name?: string })?.name !== 'ReplyError') {
            try {
              return await attempt(signal, undefined);
            } catch (retryErr) {
              drop(client);
              return { success: false, durationSeconds: since(start), reason: redact(redisReason(retryErr, signal)) };
            }
          }
          return { success: false, durationSeconds: since(start), reason: redact(redisReason(err, signal)) };
        }
      },
      async close() {
        const c = client;
        client = undefined;
        if (c) await c.quit().catch(() => c.disconnect(false));
      },
    };
  },
};
