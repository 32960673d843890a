import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitmqProbe } from '../../exporter/src/probes/rabbitmq.js';
import { until } from '../support/ports.js';
import { startRabbit, type RabbitServer } from '../support/rabbitmq.js';
import { probeUnderTest, type ProbeUnderTest } from '../support/probe.js';

// The rabbitmq probe against a real broker of its own (one boot per file: it takes seconds).
let rabbit: RabbitServer;
const probes: ProbeUnderTest[] = [];

function probe(options: Record<string, unknown>, timeoutMs = 3_000): ProbeUnderTest {
  const p = probeUnderTest(rabbitmqProbe, options, { timeoutMs });
  probes.push(p);
  return p;
}

const gauge = (o: { measurements?: readonly { metric: string; value: number; labels?: Readonly<Record<string, string>> }[] }, name: string, queue: string) =>
  o.measurements?.find((m) => m.metric === name && m.labels?.queue === queue)?.value;

beforeAll(async () => {
  rabbit = await startRabbit();
  const conn = await rabbit.connect();
  const ch = await conn.createChannel();
  for (const q of ['orders', 'emails', 'idle']) await ch.assertQueue(q, { durable: true });
  await ch.close();
});

afterAll(async () => {
  for (const p of probes) await p.close().catch(() => undefined);
  await rabbit?.destroy();
});

describe('rabbitmq probe', () => {
  it('reports depth and consumers per queue; publishing past max_depth with no consumer degrades', async () => {
    const p = probe({ url: rabbit.url(), queues: [{ name: 'orders', max_depth: 5 }] });
    const before = await p.run();
    expect(before).toMatchObject({ success: true });
    expect(before.degradedReason).toBeUndefined();
    expect(gauge(before, 'rabbitmq_queue_messages', 'orders')).toBe(0);
    expect(gauge(before, 'rabbitmq_queue_consumers', 'orders')).toBe(0);

    const conn = await rabbit.connect();
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < 8; i++) ch.sendToQueue('orders', Buffer.from(`order ${i}`));
    await ch.waitForConfirms();
    const degraded = await until('the probe to see 8 messages', async () => {
      const o = await p.run();
      return gauge(o, 'rabbitmq_queue_messages', 'orders') === 8 ? o : undefined;
    }, 10_000, 50);
    expect(degraded.success).toBe(true);
    expect(degraded.degradedReason).toBe('queue orders depth 8 (threshold: 5)');

    await ch.purgeQueue('orders');
    await ch.close();
    const drained = await p.run();
    expect(gauge(drained, 'rabbitmq_queue_messages', 'orders')).toBe(0);
    expect(drained.degradedReason).toBeUndefined();
  });

  it('require_consumers: degraded while the queue has none, operational once one subscribes', async () => {
    const p = probe({ url: rabbit.url(), queues: [{ name: 'emails', require_consumers: true }, { name: 'idle' }] });
    const none = await p.run();
    expect(none).toMatchObject({ success: true, degradedReason: 'queue emails has no consumers' });

    const conn = await rabbit.connect();
    const ch = await conn.createChannel();
    const { consumerTag } = await ch.consume('emails', () => undefined);
    const served = await until('the probe to count the consumer', async () => {
      const o = await p.run();
      return gauge(o, 'rabbitmq_queue_consumers', 'emails') === 1 ? o : undefined;
    }, 10_000, 50);
    expect(served.degradedReason).toBeUndefined();
    // The queue without require_consumers is measured but never degrades for lack of consumers.
    expect(gauge(served, 'rabbitmq_queue_consumers', 'idle')).toBe(0);
    await ch.cancel(consumerTag);
    await ch.close();
  });

  it('a configured queue that does not exist fails the probe; the other queues are still measured', async () => {
    const p = probe({ url: rabbit.url(), queues: [{ name: 'missing' }, { name: 'orders' }] });
    const o = await p.run();
    expect(o).toMatchObject({ success: false, reason: 'queue missing not found' });
    expect(gauge(o, 'rabbitmq_queue_messages', 'orders')).toBe(0);
    // The channel closed by the 404 does not poison the next run.
    expect((await p.run()).reason).toBe('queue missing not found');
  });

  it('with no queue configured, a channel round trip still proves the broker answers', async () => {
    const o = await probe({ url: rabbit.url() }).run();
    expect(o).toMatchObject({ success: true, measurements: [] });
  });

  it('wrong password: "auth failed", and the passwords appear nowhere', async () => {
    const wrong = `wrong-${rabbit.password.slice(3)}x`;
    const p = probe({ url: rabbit.url({ password: wrong }), queues: [{ name: 'orders' }] });
    const o = await p.run();
    expect(o).toMatchObject({ success: false, reason: 'auth failed' });
    const everything = JSON.stringify(o) + p.logs();
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(rabbit.password);
  });

  it('unknown vhost: named as such', async () => {
    const o = await probe({ url: rabbit.url({ vhost: 'nope' }) }).run();
    expect(o).toMatchObject({ success: false, reason: 'vhost not allowed' });
  });

  it('a frozen broker is a timeout within the deadline; after thaw the same probe passes', async () => {
    const p = probe({ url: rabbit.url(), queues: [{ name: 'orders' }] }, 800);
    expect((await p.run()).success).toBe(true);
    await rabbit.freeze();
    try {
      expect(await p.run()).toMatchObject({ success: false, reason: 'timeout' });
    } finally {
      rabbit.thaw();
    }
    await until('the probe to pass after thaw', async () => (await p.run()).success, 15_000, 100);
  });

  it('broker stopped: fails as refused; restarted: the same probe reconnects without a restart', async () => {
    const p = probe({ url: rabbit.url(), queues: [{ name: 'orders' }] });
    expect((await p.run()).success).toBe(true);
    await rabbit.stop();
    expect(await p.run()).toMatchObject({ success: false, reason: 'refused' });
    await rabbit.start();
    const up = await p.run();
    expect(up.success).toBe(true);
    // Durable queues survive the restart, so the probe measures the same queue again.
    expect(gauge(up, 'rabbitmq_queue_messages', 'orders')).toBe(0);
  });
});
