// One-shot: declares the queues the exporter watches (examples/compose/statusgraph.yml), through the
// RabbitMQ management API, so the demo starts with existing, empty queues. Declaring is idempotent.
//
// Env: RABBITMQ_API (http://rabbitmq:15672), RABBITMQ_USER, RABBITMQ_PASSWORD, QUEUES (comma-separated).

async function waitForApi(base, auth, timeoutMs, sleep) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(new URL('/api/overview', base), { headers: { authorization: auth } }).catch(() => undefined);
    if (r?.ok) return;
    if (r && r.status === 401) throw new Error('RabbitMQ management API refused the credentials');
    if (Date.now() > deadline) throw new Error(`RabbitMQ management API at ${base} not up after ${timeoutMs} ms`);
    await sleep(1000);
  }
}

export async function declareQueues({ api, user, password, queues, vhost = '/', waitMs = 120_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  if (queues.length === 0) throw new Error('no queues to declare');
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  await waitForApi(api, auth, waitMs, sleep);
  for (const q of queues) {
    const r = await fetch(new URL(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(q)}`, api), {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ durable: true, auto_delete: false, arguments: {} }),
    });
    if (r.status !== 201 && r.status !== 204) throw new Error(`declaring queue ${q}: HTTP ${r.status} ${await r.text()}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  const need = (k) => { if (!env[k]) throw new Error(`${k} is not set`); return env[k]; };
  Promise.resolve().then(() => declareQueues({
    api: env.RABBITMQ_API ?? 'http://rabbitmq:15672',
    user: need('RABBITMQ_USER'),
    password: need('RABBITMQ_PASSWORD'),
    queues: need('QUEUES').split(',').map((q) => q.trim()).filter(Boolean),
  })).then(
    () => console.log('queues declared'),
    (e) => { console.error(e.message); process.exit(1); },
  );
}
