import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisProbe } from '../../exporter/src/probes/redis.js';
import { until } from '../support/ports.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { probeUnderTest, type ProbeUnderTest } from '../support/probe.js';

// The redis probe against a real redis-server with a password.
let redis: RedisServer;
const probes: ProbeUnderTest[] = [];

function probe(options: Record<string, unknown>, timeoutMs = 2_000): ProbeUnderTest {
  const p = probeUnderTest(redisProbe, options, { timeoutMs });
  probes.push(p);
  return p;
}

const metric = (o: { measurements?: readonly { metric: string; value: number }[] }, name: string) =>
  o.measurements?.find((m) => m.metric === name)?.value;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const p of probes) await p.close().catch(() => undefined);
  await redis?.destroy();
});

describe('redis probe', () => {
  it('passes with PING latency and the memory figures from INFO', async () => {
    const admin = redis.client();
    await admin.config('SET', 'maxmemory', '0');
    const o = await probe({ url: redis.url() }).run();
    expect(o.success).toBe(true);
    expect(o.durationSeconds).toBeGreaterThan(0);
    const used = metric(o, 'redis_memory_used_bytes');
    const [, usedNow] = /used_memory:(\d+)/.exec(await admin.info('memory'))!;
    // Same order of magnitude as what the server reports right now (a few kB apart between calls).
    expect(used).toBeGreaterThan(Number(usedNow) / 2);
    expect(used).toBeLessThan(Number(usedNow) * 2);
    expect(metric(o, 'redis_memory_max_bytes')).toBe(0);
    expect(o.degradedReason).toBeUndefined();
  });

  it('memory over max_memory_ratio (low maxmemory, then fill): degraded', async () => {
    const admin = redis.client();
    const p = probe({ url: redis.url(), max_memory_ratio: 0.9 });
    try {
      const [, used] = /used_memory:(\d+)/.exec(await admin.info('memory'))!;
      const limit = Number(used) + 400_000;
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', String(limit));
      expect((await p.run()).degradedReason).toBeUndefined();
      const chunk = 'x'.repeat(10_000);
      const degraded = await until('the probe to report memory over the ratio', async () => {
        // Writes fail with OOM at the limit; by then the ratio is over 0.9.
        await admin.set(`fill:${Math.random()}`, chunk).catch(() => undefined);
        const o = await p.run();
        return o.degradedReason ? o : undefined;
      }, 20_000, 0);
      expect(degraded.success).toBe(true);
      expect(degraded.degradedReason).toMatch(/^memory \d+% of maxmemory \(threshold: 90%\)$/);
      expect(metric(degraded, 'redis_memory_max_bytes')).toBe(limit);
      expect(metric(degraded, 'redis_memory_used_bytes')! / limit).toBeGreaterThan(0.9);
    } finally {
      await admin.flushall();
      await admin.config('SET', 'maxmemory', '0');
    }
    expect((await p.run()).degradedReason).toBeUndefined();
  });

  it('CLIENT PAUSE longer than the timeout: "timeout"; after the pause the same probe passes', async () => {
    const p = probe({ url: redis.url() }, 400);
    expect((await p.run()).success).toBe(true);
    // UNPAUSE would itself be paused: the pause just runs out, three probe timeouts later.
    await redis.client().client('PAUSE', 1_200, 'ALL');
    const o = await p.run();
    expect(o).toMatchObject({ success: false, reason: 'timeout' });
    await until('the probe to pass after the pause', async () => (await p.run()).success, 10_000, 50);
  });

  it('wrong password and no password: "auth failed", and the passwords appear nowhere', async () => {
    const wrong = `wrong-${redis.password.slice(3)}x`;
    const p = probe({ url: redis.url({ password: wrong }) });
    const o = await p.run();
    expect(o).toMatchObject({ success: false, reason: 'auth failed' });
    const none = await probe({ url: redis.url({ password: null }) }).run();
    expect(none).toMatchObject({ success: false, reason: 'auth failed' });
    const everything = JSON.stringify([o, none]) + p.logs();
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(redis.password);
  });

  it('keeps its connection between runs', async () => {
    const p = probe({ url: redis.url() });
    await p.run();
    const admin = redis.client();
    const ours = async () => (await admin.client('LIST') as string).split('\n').filter((l) => / name=statusgraph /.test(l)).map((l) => /id=(\d+)/.exec(l)![1]);
    const before = await ours();
    for (let i = 0; i < 3; i++) expect((await p.run()).success).toBe(true);
    expect(await ours()).toEqual(before);
    // close() (config reload, shutdown) gives the connection back.
    await p.close();
    await until('the probe connection to be gone', async () => (await ours()).length === before.length - 1, 5_000, 50);
  });

  it('server stopped: "refused"; restarted: the same probe reconnects', async () => {
    const p = probe({ url: redis.url() });
    expect((await p.run()).success).toBe(true);
    await redis.stop();
    expect(await p.run()).toMatchObject({ success: false, reason: 'refused' });
    await redis.start();
    expect((await p.run()).success).toBe(true);
  });
});
