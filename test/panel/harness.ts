import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../support/ports.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

export const PANEL_DIST = path.join(repo, 'grafana-panel', 'dist');

/** What the harness page renders: PanelProps pieces plus the theme, all as JSON. */
export interface PageData {
  readonly series: unknown[];
  readonly annotations: unknown[];
  readonly options: Record<string, unknown>;
  readonly width: number;
  readonly height: number;
  readonly now: number;
  /** Start of the dashboard range (epoch ms) and how the time picker says it; the last hour by default. */
  readonly from?: number;
  readonly rawFrom?: string;
}

/**
 * Grafana's real dark theme from @grafana/data's createTheme(), as JSON, plus its colour-name
 * table (getColorByName is a function and does not survive JSON). The package entry point needs
 * a browser (it touches window at import), so the theme module is loaded on its own.
 */
export function grafanaTheme(): { theme: Record<string, unknown>; colorsByName: Record<string, string> } {
  const dataDir = path.dirname(require.resolve('@grafana/data/package.json'));
  const { createTheme } = require(path.join(dataDir, 'dist/cjs/themes/createTheme.cjs')) as {
    createTheme: () => { visualization: { hues: Array<{ shades: Array<{ name: string; color: string }> }>; getColorByName: (n: string) => string } };
  };
  const theme = createTheme();
  const colorsByName: Record<string, string> = {};
  for (const hue of theme.visualization.hues) for (const shade of hue.shades) colorsByName[shade.name] = theme.visualization.getColorByName(shade.name);
  for (const extra of ['transparent', 'text', 'panel-bg']) colorsByName[extra] = theme.visualization.getColorByName(extra);
  return { theme: JSON.parse(JSON.stringify(theme)) as Record<string, unknown>, colorsByName };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };

/** Serves the harness page, the vendored UMD builds and the built plugin on a free loopback port. */
export async function startHarness(data: PageData): Promise<{ url: string; close: () => Promise<void> }> {
  const moduleJs = path.join(PANEL_DIST, 'module.js');
  if (!fs.existsSync(moduleJs)) throw new Error(`${moduleJs} is missing: build the panel first (npm run build -w grafana-panel)`);
  const dir = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));
  const files: Record<string, string> = {
    '/': path.join(here, 'harness', 'index.html'),
    '/harness/shims.js': path.join(here, 'harness', 'shims.js'),
    '/harness/main.js': path.join(here, 'harness', 'main.js'),
    '/vendor/require.js': path.join(dir('requirejs'), 'require.js'),
    '/vendor/react.js': path.join(dir('react'), 'umd', 'react.production.min.js'),
    '/vendor/react-dom.js': path.join(dir('react-dom'), 'umd', 'react-dom.production.min.js'),
    '/vendor/emotion-css.js': path.join(dir('@emotion/css'), 'dist', 'emotion-css.umd.min.js'),
    '/plugin/module.js': moduleJs,
  };
  const { theme, colorsByName } = grafanaTheme();
  const dataJson = JSON.stringify({ ...data, theme, colorsByName });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    if (url.pathname === '/data.json') {
      res.writeHead(200, { 'content-type': TYPES['.json']! });
      res.end(dataJson);
      return;
    }
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Debian's Chromium, headless; --no-sandbox because tests may run as root. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
