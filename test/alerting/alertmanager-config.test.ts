import path from 'node:path';
import fs from 'node:fs';
import { describe, it, expect } from 'vitest';
import YAML from 'yaml';
import { runTool } from './tools.js';

// The committed Alertmanager config and templates, checked with Debian's amtool (0.25).
const dir = path.resolve(import.meta.dirname, '../../alertmanager');
const config = path.join(dir, 'alertmanager.yml');

interface RouteCase { name: string; labels: Record<string, string>; receiver: string }
const cases = (YAML.parse(fs.readFileSync(path.join(dir, 'tests/routes.yml'), 'utf8')) as { cases: RouteCase[] }).cases;

describe('Alertmanager config', () => {
  it('amtool check-config accepts the config and its templates', async () => {
    const r = await runTool('amtool', ['check-config', config]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1 templates/);
    expect(r.stdout).toMatch(/inhibit rules/);
  });

  it('reads the Slack webhook URL from a file, never from the config itself', () => {
    const parsed = YAML.parse(fs.readFileSync(config, 'utf8'));
    expect(parsed.global.slack_api_url_file).toMatch(/^\//);
    expect(parsed.global.slack_api_url).toBeUndefined();
    for (const r of parsed.receivers) for (const s of r.slack_configs ?? []) {
      expect(s.api_url).toBeUndefined();
      expect(s.send_resolved).toBe(true);
    }
  });

  it('routing cases cover every receiver and every route', () => {
    const parsed = YAML.parse(fs.readFileSync(config, 'utf8'));
    const receivers = new Set(parsed.receivers.map((r: { name: string }) => r.name));
    expect(new Set(cases.map((c) => c.receiver))).toEqual(receivers);
    for (const route of parsed.route.routes) {
      const sev = /severity="(\w+)"/.exec(route.matchers.join(','))?.[1];
      expect(cases.some((c) => c.labels.severity === sev && c.receiver === route.receiver), `a case for ${route.matchers}`).toBe(true);
    }
  });

  for (const c of cases) {
    it(`routes: ${c.name}`, async () => {
      const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`);
      const r = await runTool('amtool', ['config', 'routes', 'test', `--config.file=${config}`, `--verify.receivers=${c.receiver}`, ...labels]);
      expect(r.stdout.trim()).toBe(c.receiver);
      expect(r.code, r.stderr + r.stdout).toBe(0);
    });
  }

  it('amtool routes test fails when the receiver is wrong (the check is real)', async () => {
    const r = await runTool('amtool', ['config', 'routes', 'test', `--config.file=${config}`, '--verify.receivers=engineering', 'severity=warning']);
    expect(r.code).not.toBe(0);
  });
});
