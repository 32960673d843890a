// A small stand-in for one of the reference topology's services, so that `docker compose up`
// shows a live graph without any application code. No dependencies: it runs on the plain node:24 Alpine image.
//
//   node service.mjs                 serve (ROLE=service | vendor | slack, PORT, SERVICE_NAME)
//   node service.mjs mode VALUE      change the running server's behaviour, from inside the container:
//                                    service: ok | slow | fail    vendor: none | minor | major | critical | maintenance
//
// ROLE=service  GET /health answers {"status":"ok"} (slow: after SLOW_MS; fail: 503).
// ROLE=vendor   GET /<vendor>/api/v2/summary.json answers a Statuspage v2 summary with the current
//               indicator, and GET /<vendor>/healthcheck answers 200 (503 when critical), so the
//               third-party components work offline. Point the exporter at the real pages instead.
// ROLE=slack    accepts Slack incoming-webhook posts and prints them: a local sink for the demo.
import http from 'node:http';

const SERVICE_MODES = ['ok', 'slow', 'fail'];
const VENDOR_MODES = ['none', 'minor', 'major', 'critical', 'maintenance'];
const INDICATOR_TEXT = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
};
const COMPONENT_STATUS = {
  none: 'operational',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
  maintenance: 'under_maintenance',
};
const MAX_BODY = 64 * 1024;

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Statuspage v2 summary for `vendor` in `mode`: the fields the statuspage probe reads. */
export function vendorSummary(vendor, mode, now = new Date()) {
  const status = COMPONENT_STATUS[mode];
  return {
    page: { id: vendor, name: vendor, url: `https://status.${vendor}.example`, updated_at: now.toISOString() },
    status: { indicator: mode, description: INDICATOR_TEXT[mode] },
    components: [
      { id: `${vendor}-api`, name: 'API', status, group: false },
      { id: `${vendor}-dashboard`, name: 'Dashboard', status: 'operational', group: false },
    ],
    incidents: mode === 'none' || mode === 'maintenance' ? [] : [{ name: `${vendor} API errors`, status: 'investigating' }],
    scheduled_maintenances: mode === 'maintenance' ? [{ name: `${vendor} planned maintenance`, status: 'in_progress' }] : [],
  };
}

/** The request handler of `role`; `state.mode` can be changed through POST /-/mode. */
export function createHandler({ role, name, slowMs, log }) {
  const modes = role === 'vendor' ? VENDOR_MODES : SERVICE_MODES;
  const state = { mode: modes[0] };
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/-/mode' && req.method === 'POST') {
        const mode = (await readBody(req)).trim();
        if (!modes.includes(mode)) return json(res, 400, { error: `mode must be one of ${modes.join(', ')}` });
        state.mode = mode;
        log(`${name}: mode ${mode}`);
        return json(res, 200, { mode });
      }
      if (role === 'slack') {
        if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
        const body = await readBody(req);
        log(`slack message on ${url.pathname}: ${body}`);
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      if (role === 'vendor') {
        const m = /^\/([a-z0-9-]+)\/(api\/v2\/summary\.json|healthcheck)$/.exec(url.pathname);
        if (!m) return json(res, 404, { error: 'not found' });
        if (m[2] === 'healthcheck') return json(res, state.mode === 'critical' ? 503 : 200, { status: state.mode === 'critical' ? 'down' : 'ok' });
        return json(res, 200, vendorSummary(m[1], state.mode));
      }
      if (url.pathname === '/health') {
        if (state.mode === 'fail') return json(res, 503, { status: 'failing', service: name });
        if (state.mode === 'slow') await new Promise((r) => setTimeout(r, slowMs));
        return json(res, 200, { status: 'ok', service: name });
      }
      if (url.pathname === '/') return json(res, 200, { service: name });
      return json(res, 404, { error: 'not found' });
    } catch (e) {
      return json(res, 400, { error: e.message });
    }
  };
}

async function main(argv, env) {
  const port = Number(env.PORT ?? 8080);
  if (argv[0] === 'mode') {
    const r = await fetch(`http://127.0.0.1:${port}/-/mode`, { method: 'POST', body: argv[1] ?? '' });
    console.log(await r.text());
    process.exitCode = r.ok ? 0 : 1;
    return;
  }
  const role = env.ROLE ?? 'service';
  if (!['service', 'vendor', 'slack'].includes(role)) throw new Error(`ROLE must be service, vendor or slack, not ${role}`);
  const name = env.SERVICE_NAME ?? role;
  const handler = createHandler({ role, name, slowMs: Number(env.SLOW_MS ?? 1500), log: (m) => console.log(m) });
  const server = http.createServer((req, res) => { void handler(req, res); });
  server.listen(port, env.HOST ?? '0.0.0.0', () => console.log(`${name} (${role}) listening on ${server.address().port}`));
  // Compose stops containers with SIGTERM; without a handler node as PID 1 would ignore it.
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), process.env).catch((e) => { console.error(e.message); process.exit(1); });
}
