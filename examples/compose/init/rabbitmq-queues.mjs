// One-shot: declares the queues the exporter watches (examples/compose/statusgraph.yml), so the
// demo starts with existing, empty queues. Declaring is idempotent. It runs on the exporter's image,
// mounted under /app so that amqplib resolves from the image's node_modules.
//
// Env: RABBITMQ_URL (amqp://user:password@rabbitmq:5672/), QUEUES (comma-separated).
import amqp from 'amqplib';

async function connect(url, timeoutMs, sleep) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = await amqp.connect(url);
      c.on('error', () => undefined);
      return c;
    } catch (e) {
      // Wrong credentials will not fix themselves: fail now, with the broker's reason.
      if (/ACCESS_REFUSED|403/.test(String(e.message))) throw new Error(`RabbitMQ refused the credentials: ${e.message}`);
      if (Date.now() > deadline) throw new Error(`RabbitMQ not reachable after ${timeoutMs} ms: ${e.message}`);
      await sleep(1000);
    }
  }
}

export async function declareQueues({ url, queues, waitMs = 120_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  if (queues.length === 0) throw new Error('no queues to declare');
  const conn = await connect(url, waitMs, sleep);
  try {
    const ch = await conn.createChannel();
    for (const q of queues) await ch.assertQueue(q, { durable: true });
    await ch.close();
  } finally {
    await conn.close().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  Promise.resolve().then(() => {
    if (!env.RABBITMQ_URL) throw new Error('RABBITMQ_URL is not set');
    if (!env.QUEUES) throw new Error('QUEUES is not set');
    return declareQueues({ url: env.RABBITMQ_URL, queues: env.QUEUES.split(',').map((q) => q.trim()).filter(Boolean) });
  }).then(
    () => console.log('queues declared'),
    (e) => { console.error(e.message); process.exit(1); },
  );
}
