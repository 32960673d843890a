// One-shot: gives the exporter a Grafana service-account token for incident annotations.
// Grafana cannot provision tokens from files, so this runs before the exporter, with the admin
// credentials, and writes the token to a volume the exporter reads through ${file:...}.
// Idempotent: a token file that still works is kept, so restarts do not pile up tokens.
//
// Env: GRAFANA_URL, GRAFANA_ADMIN_USER, GRAFANA_ADMIN_PASSWORD, TOKEN_FILE, TOKEN_UID (owner of the file).
import fs from 'node:fs';
import path from 'node:path';

const ACCOUNT = 'statusgraph-exporter';

async function call(base, auth, method, p, body) {
  const r = await fetch(new URL(p, base), {
    method,
    headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let data;
  try { data = text ? JSON.parse(text) : {}; } catch { data = { message: text }; }
  return { status: r.status, data };
}

async function waitForGrafana(base, timeoutMs, sleep) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(new URL('/api/health', base)).catch(() => undefined);
    if (r?.ok) return;
    if (Date.now() > deadline) throw new Error(`Grafana at ${base} not healthy after ${timeoutMs} ms`);
    await sleep(1000);
  }
}

/** True when `token` still authenticates against Grafana. */
async function tokenWorks(base, token) {
  const r = await call(base, `Bearer ${token}`, 'GET', '/api/annotations?limit=1');
  return r.status === 200;
}

/** The id of the exporter's service account, created with the Editor role (annotations) when missing. */
async function serviceAccountId(base, admin) {
  const found = await call(base, admin, 'GET', `/api/serviceaccounts/search?query=${encodeURIComponent(ACCOUNT)}`);
  if (found.status !== 200) throw new Error(`searching service accounts: HTTP ${found.status} ${found.data.message ?? ''}`);
  const existing = (found.data.serviceAccounts ?? []).find((a) => a.name === ACCOUNT);
  if (existing) return existing.id;
  const created = await call(base, admin, 'POST', '/api/serviceaccounts', { name: ACCOUNT, role: 'Editor', isDisabled: false });
  if (created.status !== 201 && created.status !== 200) throw new Error(`creating service account: HTTP ${created.status} ${created.data.message ?? ''}`);
  return created.data.id;
}

export async function provisionToken({ grafanaUrl, adminUser, adminPassword, tokenFile, uid, waitMs = 120_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), now = () => Date.now() }) {
  await waitForGrafana(grafanaUrl, waitMs, sleep);
  if (fs.existsSync(tokenFile)) {
    const old = fs.readFileSync(tokenFile, 'utf8').trim();
    if (old && await tokenWorks(grafanaUrl, old)) return { created: false };
  }
  const admin = `Basic ${Buffer.from(`${adminUser}:${adminPassword}`).toString('base64')}`;
  const id = await serviceAccountId(grafanaUrl, admin);
  const tok = await call(grafanaUrl, admin, 'POST', `/api/serviceaccounts/${id}/tokens`, { name: `${ACCOUNT}-${now()}` });
  if (tok.status !== 200 || typeof tok.data.key !== 'string') throw new Error(`creating token: HTTP ${tok.status} ${tok.data.message ?? ''}`);
  fs.mkdirSync(path.dirname(tokenFile), { recursive: true });
  // Written aside and renamed, so the exporter never reads half a token.
  const tmp = `${tokenFile}.tmp`;
  fs.writeFileSync(tmp, `${tok.data.key}\n`, { mode: 0o400 });
  if (uid !== undefined) fs.chownSync(tmp, uid, uid);
  fs.renameSync(tmp, tokenFile);
  return { created: true };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  const need = (k) => { if (!env[k]) throw new Error(`${k} is not set`); return env[k]; };
  provisionToken({
    grafanaUrl: env.GRAFANA_URL ?? 'http://grafana:3000',
    adminUser: env.GRAFANA_ADMIN_USER ?? 'admin',
    adminPassword: need('GRAFANA_ADMIN_PASSWORD'),
    tokenFile: need('TOKEN_FILE'),
    uid: env.TOKEN_UID ? Number(env.TOKEN_UID) : undefined,
  }).then(
    (r) => console.log(r.created ? 'grafana token created' : 'grafana token still valid, kept'),
    (e) => { console.error(e.message); process.exit(1); },
  );
}
