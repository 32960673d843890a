import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import YAML from 'yaml';
import { freePort, until } from './ports.js';
import { tempDir } from './tmp.js';

const repoAlertmanagerDir = path.resolve(import.meta.dirname, '../../alertmanager');

/** The channel each receiver's webhook must be installed for (alertmanager/README.md). */
export const RECEIVER_CHANNELS: Readonly<Record<string, string>> = Object.freeze({ engineering: '#engineering', 'on-call': '#on-call' });

export interface LocalAlertmanagerConfigOptions {
  /** Receiver name -> file holding that receiver's Slack webhook URL (the committed config reads them from files too). */
  readonly webhookUrlFiles: Readonly<Record<string, string>>;
  /** A template file to use instead of the committed links.tmpl (which defines statusgraph.grafana_url). */
  readonly linksTemplate?: string;
  /** Replaces every group_wait in the tree (the committed ones are 5s and 30s). */
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
}

/**
 * Writes one webhook URL file per receiver, each with the URL the stand-in installed for that
 * receiver's channel, and a links template pointing at `grafanaUrl`; returns the options to pass on.
 */
export function localSlackFiles(dir: string, webhookFor: (channel: string) => string, grafanaUrl = 'http://grafana.test:3000'): Pick<LocalAlertmanagerConfigOptions, 'webhookUrlFiles' | 'linksTemplate'> {
  const webhookUrlFiles: Record<string, string> = {};
  for (const [receiver, channel] of Object.entries(RECEIVER_CHANNELS)) {
    const file = path.join(dir, `slack-${receiver}-webhook`);
    fs.writeFileSync(file, webhookFor(channel), { mode: 0o600 });
    webhookUrlFiles[receiver] = file;
  }
  const linksTemplate = path.join(dir, 'links.tmpl');
  fs.writeFileSync(linksTemplate, `{{ define "statusgraph.grafana_url" }}${grafanaUrl}{{ end }}\n`);
  return { webhookUrlFiles, linksTemplate };
}

/**
 * The committed alertmanager.yml with only what a test must change: the webhook URL files, the
 * absolute paths of the committed templates (links.tmpl optionally replaced), and short timers.
 * Routes, inhibitions and templates are the committed ones, so they are what the test exercises.
 */
export function alertmanagerConfigFromRepo(opts: LocalAlertmanagerConfigOptions): string {
  const cfg = YAML.parse(fs.readFileSync(path.join(repoAlertmanagerDir, 'alertmanager.yml'), 'utf8'));
  for (const receiver of cfg.receivers as { name: string; slack_configs?: Record<string, unknown>[] }[]) {
    for (const slack of receiver.slack_configs ?? []) {
      const file = opts.webhookUrlFiles[receiver.name];
      if (!file) throw new Error(`no webhook URL file given for receiver ${receiver.name}`);
      slack.api_url_file = file;
    }
  }
  const templateDir = path.join(repoAlertmanagerDir, 'templates');
  cfg.templates = fs.readdirSync(templateDir).filter((f) => f.endsWith('.tmpl')).sort()
    .map((f) => (f === 'links.tmpl' && opts.linksTemplate ? opts.linksTemplate : path.join(templateDir, f)));
  const shorten = (route: Record<string, unknown>): void => {
    if (opts.groupWait && route.group_wait !== undefined) route.group_wait = opts.groupWait;
    if (opts.groupInterval && route.group_interval !== undefined) route.group_interval = opts.groupInterval;
    if (opts.repeatInterval && route.repeat_interval !== undefined) route.repeat_interval = opts.repeatInterval;
    for (const child of (route.routes as Record<string, unknown>[] | undefined) ?? []) shorten(child);
  };
  shorten(cfg.route);
  return YAML.stringify(cfg);
}

export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export interface Alertmanager {
  readonly url: string;
  readonly port: number;
  /** GET /api/v2/alerts (including inhibited ones). */
  alerts(): Promise<AlertmanagerAlert[]>;
  /** POST /api/v2/alerts, as Prometheus does. */
  postAlerts(alerts: readonly { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }[]): Promise<void>;
  /** GET /api/v2/alerts/groups: which receiver each group of alerts went to. */
  groups(): Promise<{ labels: Record<string, string>; receiver: { name: string }; alerts: AlertmanagerAlert[] }[]>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's prometheus-alertmanager on a free loopback port, clustering off, in a temp dir,
 * with --web.external-url set to its own URL (the links in its messages point there).
 */
export async function startAlertmanager(configYaml: string): Promise<Alertmanager> {
  const dir = tempDir('statusgraph-am-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configFile = path.join(dir.path, 'alertmanager.yml');
  fs.writeFileSync(configFile, configYaml);
  let output = '';
  const child: ChildProcess = spawn('prometheus-alertmanager', [
    `--config.file=${configFile}`,
    `--storage.path=${path.join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=',
    '--log.level=debug',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    dir.remove();
  };

  try {
    await until('alertmanager ready', async () => {
      if (child.exitCode !== null) throw new Error(`alertmanager exited: ${output}`);
      const r = await fetch(`${url}/-/ready`);
      return r.ok;
    }, 30_000, 100);
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    url,
    port,
    async alerts() {
      const r = await fetch(`${url}/api/v2/alerts`);
      if (!r.ok) throw new Error(`GET alerts: ${r.status}`);
      return (await r.json()) as AlertmanagerAlert[];
    },
    async groups() {
      const r = await fetch(`${url}/api/v2/alerts/groups`);
      if (!r.ok) throw new Error(`GET alert groups: ${r.status}`);
      return (await r.json()) as { labels: Record<string, string>; receiver: { name: string }; alerts: AlertmanagerAlert[] }[];
    },
    async postAlerts(alerts) {
      const r = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!r.ok) throw new Error(`POST alerts: ${r.status} ${await r.text()}`);
    },
    logs: () => output,
    stop,
  };
}
