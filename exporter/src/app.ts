import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadConfigFile } from './config/load.js';
import type { Config } from './config/types.js';
import type { Env } from './config/interpolate.js';
import { PROBE_KINDS } from './probes/registry.js';
import { loadConfigOffThread } from './reload/load.js';
import { ensureDataDir } from './data-files.js';
import { startupStep } from './startup-errors.js';
import { Monitor, type CarriedState } from './engine/monitor.js';
import { HttpDispatchers } from './probes/http-dispatchers.js';
import type { Snapshot, StateChange } from './engine/snapshot.js';
import { MetricsRenderer } from './metrics/renderer.js';
import { createAuth } from './http/auth.js';
import { SessionStore } from './http/sessions.js';
import { LoginLimiter } from './http/login-limit.js';
import { createHttpApp } from './http/server.js';
import { createLogger, Redaction } from './log.js';
import { scheduleReports, type ReportSchedule } from './reports/index.js';
import express from 'express';
import { createEventHub } from './http/events.js';
import { componentView, componentsView } from './http/components-view.js';
import { incidentRoutes } from './http/routes/incidents.js';
import { slackRoutes } from './http/routes/slack.js';
import { historyRoutes } from './http/routes/history.js';
import { createIncidents } from './incidents/index.js';
import { storeBackend } from './incidents/backends.js';
import { buildSinks } from './sinks/registry.js';
import { formatId } from './incidents/ids.js';
import { createSlackApi } from './slack-api/client.js';
import { createHistory } from './history/index.js';
import { statusPageRouter, type DemoControl } from './statuspage/router.js';
import { defaultStaticDir } from './statuspage/assets.js';
import { createPages } from './pages/index.js';
import { mountedPages, startPublicListeners } from './publicpage/listeners.js';
import { publicIncidentRoutes, slackPublishing } from './http/routes/public-incidents.js';
import { SLACK_SINK } from './sinks/slack.js';
import { maintenanceRoutes } from './http/routes/maintenance.js';
import { createMaintenance, type Maintenance } from './maintenance/service.js';
import { openMaintenanceBackend } from './maintenance/backends.js';
import { startWindowAnnotations } from './grafana/window-annotations.js';
import { createAnnotationClient } from './grafana/client.js';
import { startCluster, type Cluster } from './cluster/index.js';
import { clusterRoutes } from './http/routes/cluster.js';

export interface ServiceOptions {
  readonly configFile: string;
  /** Overrides `listen` of the config (CLI --listen). */
  readonly listen?: string;
  /** Overrides `data_dir` of the config (CLI --data-dir). */
  readonly dataDir?: string;
  readonly env?: Env;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Break/heal control of `statusgraph demo`; shows the demo buttons on the status page. */
  readonly demo?: DemoControl;
  /** Built status page (dist/static); found next to the code by default. */
  readonly staticDir?: string;
  /** Sees the config at start and each config a reload accepted (the CLI sizes V8's heap by it). */
  readonly onConfig?: (config: Config) => void;
}

export interface Service {
  readonly url: string;
  /** Where each audience page is served, by page id. */
  readonly pageUrls: ReadonlyMap<string, string>;
  config(): Config;
  snapshot(): Snapshot;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

function withOverrides(c: Config, o: ServiceOptions): Config {
  let out = c;
  if (o.listen) {
    const i = o.listen.lastIndexOf(':');
    const host = o.listen.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
    out = { ...out, listen: { host, port: Number(o.listen.slice(i + 1)) } };
  }
  if (o.dataDir) out = { ...out, dataDir: o.dataDir };
  return Object.freeze(out);
}

/**
 * The composition root: the one place where config, logger, monitor, metrics, HTTP and the
 * subsystems are built and wired. Nothing below it reaches for globals.
 */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const redaction = new Redaction();
  let config = withOverrides(loadConfigFile(opts.configFile, { env, probeKinds: PROBE_KINDS }), opts);
  redaction.set(config.secrets);
  opts.onConfig?.(config);
  const logger = opts.logger ?? createLogger(redaction);
  const dataStep = `data_dir ${config.dataDir}`;
  await startupStep(dataStep, () => ensureDataDir(config.dataDir));

  let reloadOk = true;
  let reloadAt = now() / 1_000;
  const listeners: ((s: Snapshot, c: readonly StateChange[]) => void)[] = [];
  // Each monitor gets its own HTTP pools, closed after its probes: a reload starts the new
  // monitor's probes on fresh pools and closes the old pools once the old probes are closed.
  let pools = new HttpDispatchers();
  // A replica of a cluster probes its share, exchanges rounds and applies the agreed ones (docs/cluster.md).
  // It meets the others in the incident store's PostgreSQL, whose migrations (version 5) made its tables.
  const cluster: Cluster | undefined = config.cluster && config.store?.kind === 'postgres'
    ? await startupStep('cluster database', async () => {
      await storeBackend(config).migrate(config, logger);
      return startCluster({ config: config.cluster!, dsn: (config.store as { dsn: string }).dsn, intervalMs: config.intervalMs, components: config.components, logger, now });
    })
    : undefined;
  // Maintenance windows: built after the incident store (which migrates the shared file), read by
  // every monitor through `cover`.
  let maintenance: Maintenance | undefined;
  const cover = () => maintenance?.cover() ?? new Map();
  const wire = (c: Config, http: HttpDispatchers, carried?: CarriedState) => {
    const m = new Monitor({ config: c, kinds: PROBE_KINDS, logger, now, http, cover, ...(carried ? { carried } : {}), ...(cluster ? { exchange: cluster } : {}) });
    m.onSnapshot((s, ch) => { for (const l of listeners) l(s, ch); });
    return m;
  };
  const stopMonitor = async (m: Monitor, http: HttpDispatchers) => {
    await m.stop();
    await http.close();
  };
  let monitor = wire(config, pools);
  cluster?.onDecision((d) => monitor.decide(d.component, d.results, d.startedAt));
  // Work that must happen once runs on the leader only: incident decisions here (fenced in the
  // store's transaction), the outbox's deliveries, reports below.
  const leads = () => cluster === undefined || cluster.isLeader();

  const sessions = new SessionStore(now);
  const loginLimiter = new LoginLimiter(now);
  const auth = createAuth(() => config.auth, { sessions, logger });
  // Incidents and the SSE stream follow every snapshot; the stream sends the same view as /api/v1/components.
  const events = createEventHub({ serializeSnapshot: componentsView, serializeComponent: componentView });
  // The DSN is a secret: the step names the store, never its address.
  const storeStep = config.store?.kind === 'postgres' ? 'incident store (PostgreSQL)' : dataStep;
  const incidents = await startupStep(storeStep, () => createIncidents({
    config, logger, now, events, sinks: buildSinks(config, { logger }),
    ...(cluster ? { fence: (db, what) => cluster.fence(db, what), outboxGate: { active: () => cluster.isLeader(), pollMs: config.intervalMs } } : {}),
  }));
  const windowStore = await startupStep(storeStep, () => openMaintenanceBackend(config, logger.child({ subsystem: 'maintenance' })));
  // A Grafana region annotation per window occurrence, through the store's durable queue (read at
  // start like the incident sinks). In a cluster every replica queues (one row per occurrence) and
  // only the leader delivers, as the incident outbox does.
  const annotations = config.grafana
    ? startWindowAnnotations({
      store: windowStore, client: createAnnotationClient(config.grafana), now, logger: logger.child({ subsystem: 'maintenance' }),
      ...(cluster ? { gate: { active: () => cluster.isLeader() } } : {}),
    })
    : undefined;
  const windows = await startupStep(dataStep, async () => createMaintenance({
    store: windowStore, logger: logger.child({ subsystem: 'maintenance' }), now, config: () => config,
    // Other replicas (or processes) may write the same PostgreSQL tables: re-read once an interval.
    shared: config.store?.kind === 'postgres',
    onChange: () => monitor.coverChanged(),
    ...(annotations ? {
      onWindow: (e) => {
        annotations.queue(e.window).catch((err: unknown) => logger.error({ event: 'maintenance_annotation_failed', window: e.window.id, err: String(err) }, 'maintenance annotation not queued'));
      },
    } : {}),
  }));
  maintenance = windows;
  // A new leader delivers at once; a former one drops the decisions it could not record (the new
  // leader decides that time span from its own view).
  cluster?.onLeadership((leading) => {
    if (leading) { incidents.kickOutbox(); void annotations?.drain(); } else incidents.forgetPending();
  });
  listeners.push((s, c) => {
    events.publishSnapshot(s);
    // Decided once for the cluster: incidents and a window's early end (recover_after).
    if (leads()) { void incidents.onSnapshot(s, c); windows.onSnapshot(s); }
  });
  // Audience pages follow every snapshot too; their public incidents live in the incident store.
  const pageUrls = new Map<string, string>();
  const pages = await startupStep(dataStep, () => createPages({
    config, store: incidents.store, now, logger, pageUrl: (id) => pageUrls.get(id), onNoted: (id) => incidents.service.noted(id),
    maintenances: () => windows.list({ days: 14 }),
  }));
  listeners.push((s) => void pages.onSnapshot(s));
  // State-change history (uptime bars) and latency rings (sparklines) for the status page.
  // History settings are read once: a changed retention takes effect at the next start.
  const history = await startupStep(dataStep, () => createHistory({
    dataDir: config.dataDir, now, logger, flushEveryMs: config.history.flushIntervalMs,
    policy: { retentionMs: config.history.retentionMs, rawMs: config.history.fullResolutionMs, fiveMinuteMs: config.history.fiveMinuteMs },
  }));
  listeners.push((s) => history.onSnapshot(s));
  const eventsRouter = express.Router().get('/api/v1/events', auth.read, events.handler);
  const metrics = new MetricsRenderer(PROBE_KINDS.values(), {
    incidentsOpen: () => incidents.openCount(),
    openIncidents: () => incidents.openIncidents().map((i) => ({ incident: formatId(i.id), components: i.components, severity: i.severity })),
    reloadSuccessful: () => reloadOk,
    reloadTimestampSeconds: () => reloadAt,
    intervalSeconds: () => config.intervalMs / 1_000,
  });
  if (cluster) metrics.extend((r) => cluster.registerMetrics(r));

  const onReload: ((c: Config) => void)[] = [];
  let reloading: Promise<void> | undefined;
  const reload = async (): Promise<void> => {
    // Reloads are serialised: a second SIGHUP during a reload waits for the first.
    while (reloading) await reloading.catch(() => undefined);
    reloading = (async () => {
      let next: Config;
      try {
        logger.info({ event: 'reload_started' }, 'reloading the config');
        next = withOverrides(await loadConfigOffThread(opts.configFile, env, windows.runTimeWindows()), opts);
        logger.info({ event: 'reload_parsed', components: next.components.length }, 'config read and checked');
      } catch (err) {
        reloadOk = false;
        logger.error({ event: 'reload_failed', error: (err as Error).message }, 'config reload failed; the running config is kept');
        throw err;
      }
      if (next.listen.host !== config.listen.host || next.listen.port !== config.listen.port) {
        logger.warn({ event: 'reload' }, 'listen address changed: takes effect at the next restart');
      }
      // Compared whole, never logged: the DSN is a secret.
      if (JSON.stringify(next.store) !== JSON.stringify(config.store)) {
        logger.warn({ event: 'reload' }, 'store changed: the incident store is opened at start; the change takes effect at the next restart');
      }
      const old = monitor;
      const oldPools = pools;
      const freshPools = new HttpDispatchers();
      const fresh = wire(next, freshPools, old.carry());
      await stopMonitor(old, oldPools);
      monitor = fresh;
      pools = freshPools;
      if (JSON.stringify(next.cluster) !== JSON.stringify(config.cluster)) logger.warn({ event: 'reload' }, 'cluster settings changed: they take effect at the next restart');
      config = next;
      incidents.setConfig(next);
      windows.setConfig();
      pages.setConfig(next);
      cluster?.setComponents(next.components);
      redaction.set(next.secrets);
      reloadOk = true;
      reloadAt = now() / 1_000;
      for (const f of onReload) f(next);
      opts.onConfig?.(next);
      fresh.start();
      logger.info({ event: 'reload', components: next.components.length }, 'config reloaded');
    })();
    try { await reloading; } finally { reloading = undefined; }
  };

  // Answers may be reused for half an interval (at most a minute): the state changes once per cycle at most.
  const pageDeps = { pages, logger, maxAgeSeconds: () => Math.max(1, Math.min(60, Math.floor(config.intervalMs / 2_000))) };
  let url = '';
  // The interactivity route's own client (views.open, response_url), read at start like the sinks.
  const slackApi = config.slack?.botToken ? createSlackApi({ token: config.slack.botToken, ...(config.slack.apiUrl ? { baseUrl: config.slack.apiUrl } : {}) }) : undefined;
  // A slash command's follow-up links the incident's thread once the Slack sink (read at start) has it.
  const threadChannel = config.slack?.botToken ? config.slack.incidentChannel : undefined;
  const threads = threadChannel
    ? { channel: threadChannel, delivered: (id: number, ms: number) => incidents.delivered(SLACK_SINK, id, ms) }
    : undefined;
  const app = createHttpApp({
    logger,
    auth,
    metrics,
    snapshot: () => monitor.snapshot(),
    streamVersion: (s) => events.versionOf(s),
    ready: () => monitor.ready(),
    reload,
    routers: [
      // First: its guard on cookie-authenticated writes covers the routers after it.
      statusPageRouter({
        auth, authConfig: () => config.auth, snapshot: () => monitor.snapshot(), history, logger, now,
        sessions, loginLimiter, intervalMs: () => config.intervalMs, staticDir: opts.staticDir ?? defaultStaticDir(), ...(opts.demo ? { demo: opts.demo } : {}), cluster: cluster !== undefined,
      }),
      incidentRoutes(incidents.service, auth, now),
      maintenanceRoutes(windows, auth),
      publicIncidentRoutes({ incidents: incidents.service, pages, auth, pageUrl: (id) => pageUrls.get(id) }),
      mountedPages(pageDeps, config.pages ?? [], () => url),
      historyRoutes({ history, incidents: incidents.service, auth, now, known: (name) => monitor.snapshot().byName.has(name) }),
      slackRoutes({
        service: incidents.service, maintenance: windows, signingSecret: () => config.slack?.signingSecret, ...(slackApi ? { api: slackApi } : {}),
        ...(threads ? { threads } : {}),
        publishing: slackPublishing(pages, (id) => pageUrls.get(id)), now, logger: logger.child({ subsystem: 'incidents' }),
      }),
      eventsRouter,
      ...(cluster ? [clusterRoutes({ view: () => cluster.view(), auth })] : []),
    ],
  });
  const server = http.createServer(app);
  // What was opened before the listeners must not keep the process alive when one cannot start.
  const closeOpened = async () => {
    await stopMonitor(monitor, pools);
    await cluster?.stop();
    events.close();
    await annotations?.close();
    await windows.close();
    await incidents.close();
    await slackApi?.close();
    history.close();
    pages.close();
  };
  server.keepAliveTimeout = 65_000;
  try {
    await startupStep(`listen address ${config.listen.host}:${config.listen.port}`, () => new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listen.port, config.listen.host, () => { server.off('error', reject); resolve(); });
    }));
  } catch (err) {
    await closeOpened();
    throw err;
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  url = `http://${host}:${addr.port}`;
  let publicSide: Awaited<ReturnType<typeof startPublicListeners>>;
  try {
    publicSide = await startupStep('public page listeners', () => startPublicListeners(pageDeps, config.pages ?? []));
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await closeOpened();
    throw err;
  }
  for (const p of config.pages ?? []) pageUrls.set(p.id, publicSide.urls.get(p.id) ?? p.url ?? `${url}${p.path}`);
  for (const [id, u] of pageUrls) logger.info({ event: 'page', page: id, url: u }, `audience page ${id} at ${u}`);
  logger.info({ event: 'start', url, components: config.components.length, interval_ms: config.intervalMs }, `statusgraph listening on ${url}`);
  monitor.start();

  // Reports run in the service when it knows both where to read and where to post.
  let reports: ReportSchedule | undefined;
  const scheduleFor = (c: Config) => {
    reports?.stop();
    reports = undefined;
    if (!c.prometheus || !c.slack?.webhookUrl || (!c.reports.daily && !c.reports.weekly) || !leads()) return;
    reports = scheduleReports({
      prometheusUrl: c.prometheus.url, webhookUrl: c.slack.webhookUrl, timezone: c.reports.timezone,
      logger, daily: c.reports.daily, weekly: c.reports.weekly,
    });
    const next = reports.next();
    logger.info({ event: 'reports_scheduled', daily: next.daily?.toISOString() ?? null, weekly: next.weekly?.toISOString() ?? null }, 'reports scheduled');
  };
  scheduleFor(config);
  onReload.push(scheduleFor);
  cluster?.onLeadership(() => scheduleFor(config));

  return {
    url,
    pageUrls,
    config: () => config,
    snapshot: () => monitor.snapshot(),
    reload,
    async stop() {
      reports?.stop();
      await stopMonitor(monitor, pools);
      await cluster?.stop();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await publicSide.close();
      await annotations?.close();
      await windows.close();
      await incidents.close();
      await slackApi?.close();
      history.close();
      pages.close();
    },
  };
}
