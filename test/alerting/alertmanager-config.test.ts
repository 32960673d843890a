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

  it('reads each receiver\'s Slack webhook URL from its own file, never from the config itself', () => {
    const parsed = YAML.parse(fs.readFileSync(config, 'utf8'));
    expect(parsed.global.slack_api_url).toBeUndefined();
    // A Slack app webhook posts to the one channel it was installed for: a URL shared by two
    // receivers would put #engineering and #on-call in one channel.
    expect(parsed.global.slack_api_url_file).toBeUndefined();
    const files: string[] = [];
    for (const r of parsed.receivers) for (const s of r.slack_configs ?? []) {
      expect(s.api_url).toBeUndefined();
      expect(s.api_url_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
      expect(s.send_resolved).toBe(true);
      // Ignored by app webhooks: setting them would suggest they choose something.
      expect(s.channel).toBeUndefined();
      expect(s.username).toBeUndefined();
      files.push(s.api_url_file);
    }
    expect(files.sort()).toEqual(['/etc/alertmanager/secrets/slack-engineering-webhook', '/etc/alertmanager/secrets/slack-oncall-webhook']);
  });

  // prometheus/alertmanager#2754: an alert inhibited when it resolves gets no "resolved". So every
  // inhibition may only mute alerts that no channel ever heard of: its target matchers must contain
  // all matchers of a route that comes before every other route, does not continue, and whose
  // receiver has no integration. Alertmanager takes the first matching route, so every target
  // alert ends there.
  it('every inhibition mutes only alerts routed to a receiver without integration', () => {
    const parsed = YAML.parse(fs.readFileSync(config, 'utf8'));
    const silent = new Set(parsed.receivers.filter((r: Record<string, unknown>) => Object.keys(r).every((k) => k === 'name')).map((r: { name: string }) => r.name));
    const routes = parsed.route.routes as { receiver: string; matchers?: string[]; continue?: boolean }[];
    expect(parsed.inhibit_rules.length).toBeGreaterThan(0);
    for (const rule of parsed.inhibit_rules as { target_matchers: string[] }[]) {
      const targets = new Set(rule.target_matchers);
      const first = routes.findIndex((r) => (r.matchers ?? []).length > 0 && r.matchers!.every((m) => targets.has(m)));
      expect(first, `a route catching ${rule.target_matchers}`).toBe(0);
      expect(silent.has(routes[first]!.receiver), `${routes[first]!.receiver} has no integration`).toBe(true);
      expect(routes[first]!.continue ?? false).toBe(false);
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
