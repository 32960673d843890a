/*
 * The compose stack's rabbitmq-init one-shot against a real RabbitMQ: it declares the queues the
 * exporter watches, idempotently, and fails fast on wrong credentials; the exporter's probe with
 * the compose config's queue rules then finds them.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, metricValue, type RunningExporter } from '../support/exporter.js';
import { until } from '../support/ports.js';
import { startRabbit, type RabbitServer } from '../support/rabbitmq.js';
import { repoPath } from './lib/paths.js';

const SCRIPT = repoPath('examples/compose/init/rabbitmq-queues.mjs');
let rabbit: RabbitServer;
let exporter: RunningExporter | undefined;

function runInit(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

beforeAll(async () => { rabbit = await startRabbit(); });
afterAll(async () => {
  await exporter?.stop();
  await rabbit?.destroy();
});

describe('examples/compose/init/rabbitmq-queues.mjs', () => {
  it('declares the queues, and a second run changes nothing', async () => {
    const env = { RABBITMQ_URL: rabbit.url(), QUEUES: 'orders, notifications' };
    expect(await runInit(env)).toMatchObject({ code: 0, out: expect.stringContaining('queues declared') });
    const conn = await rabbit.connect();
    const ch = await conn.createChannel();
    await ch.sendToQueue('orders', Buffer.from('one'));
    expect(await ch.checkQueue('notifications')).toMatchObject({ queue: 'notifications', messageCount: 0 });
    expect(await runInit(env)).toMatchObject({ code: 0 });
    // Re-declaring kept the queue and its message.
    await until('the message counted', async () => (await ch.checkQueue('orders')).messageCount === 1, 5_000);
    await ch.close();
  });

  it('fails fast, naming the reason, on wrong credentials', async () => {
    const r = await runInit({ RABBITMQ_URL: rabbit.url({ password: 'wrong' }), QUEUES: 'orders' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused the credentials/);
    expect(r.out).not.toContain(rabbit.password);
  });

  it('refuses to run without its settings', async () => {
    expect(await runInit({ QUEUES: 'orders' })).toMatchObject({ code: 1, out: expect.stringContaining('RABBITMQ_URL is not set') });
  });

  it('leaves the exporter\'s rabbitmq probe, with the compose config\'s queue rules, operational', async () => {
    exporter = await startExporter({
      config: `
interval: 1s
timeout: 900ms
components:
  - name: rabbitmq
    tier: infrastructure
    probes:
      - kind: rabbitmq
        url: "${rabbit.url()}"
        queues:
          - { name: orders, max_depth: 1000 }
          - { name: notifications, max_depth: 500 }
`,
    });
    const e = exporter;
    await until('rabbitmq operational', async () => (await e.components())[0]?.state === 'operational', 20_000);
    expect(metricValue(await e.metrics(), 'statusgraph_rabbitmq_queue_messages', { component: 'rabbitmq', queue: 'orders' })).toBe(1);
  });
});
