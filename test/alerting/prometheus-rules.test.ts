import path from 'node:path';
import fs from 'node:fs';
import { describe, it, expect } from 'vitest';
import YAML from 'yaml';
import { lanes } from '../support/lanes.js';
import { PROMTOOLS, runTool } from './tools.js';

// The committed rules, config and promtool unit tests, checked with Debian 12's promtool 2.42 and
// with Debian unstable's 3.5.3 (scripts/setup-ci.sh unpacks it): same files, same results on both.
const dir = path.resolve(import.meta.dirname, '../../provisioning/prometheus');
const ruleFiles = fs.readdirSync(path.join(dir, 'rules')).filter((f) => f.endsWith('.yml')).map((f) => `rules/${f}`);
const testFiles = fs.readdirSync(path.join(dir, 'tests')).filter((f) => f.endsWith('.test.yml')).map((f) => `tests/${f}`);

describe('Prometheus rules and config', () => {
  it('has rule files and rule unit tests', () => {
    expect(ruleFiles).toEqual(expect.arrayContaining(['rules/recording.yml', 'rules/alerts.yml']));
    expect(testFiles.length).toBeGreaterThanOrEqual(3);
  });


  it('every alert rule has at least one unit test case', () => {
    const alerts = [...fs.readFileSync(path.join(dir, 'rules/alerts.yml'), 'utf8').matchAll(/^\s*- alert: (\w+)/gm)].map((m) => m[1]);
    const tests = testFiles.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    expect(alerts.length).toBeGreaterThanOrEqual(9);
    for (const a of alerts) {
      // Both a firing expectation and a "does not fire" (empty) expectation exist for each alert.
      const cases = [...tests.matchAll(new RegExp(`alertname: ${a}\\n\\s*exp_alerts:(\\s*\\[\\])?`, 'g'))];
      expect(cases.some((c) => c[1] !== undefined), `${a} has a "does not fire" case`).toBe(true);
      expect(cases.some((c) => c[1] === undefined), `${a} has a "fires" case`).toBe(true);
    }
  });

  it('every alert says what it means (description) and where to look (runbook_url)', () => {
    // Every rule file: alerts.yml and the generated slo.yml (its burn-rate alerts).
    const groups = ruleFiles.flatMap((f) => (YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] }).groups);
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(['StatusgraphMajorOutage', 'StatusgraphSloFastBurn', 'StatusgraphSloSlowBurn']));
    for (const a of alerts) {
      expect(a.annotations?.description?.length ?? 0, `${a.alert} description`).toBeGreaterThan(40);
      const url = a.annotations?.runbook_url ?? '';
      // Either the component's own runbook (a template over statusgraph_component_info) or an
      // absolute https link (Alertmanager and Slack cannot resolve a repository path) to a section
      // of docs/runbooks.md that exists.
      if (url.includes('statusgraph_component_info')) continue;
      const link = /^https:\/\/[^#\s]+#([\w-]+)$/.exec(url);
      expect(link, `${a.alert} runbook_url ${url}`).not.toBeNull();
      const headings = [...fs.readFileSync(path.resolve(dir, '../../docs/runbooks.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\w -]/g, '').replace(/ /g, '-'));
      expect(headings, `${a.alert} runbook section`).toContain(link![1]);
    }
  });
});

describe('Prometheus 3 scrape-side changes promtool cannot show', () => {
  it('no rule or dashboard query selects on an le or quantile value (3.x rewrites "1" to "1.0" at scrape)', () => {
    const dashboards = path.resolve(dir, '../grafana/dashboards/json');
    const texts = [
      ...ruleFiles.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')),
      ...fs.readdirSync(dashboards).filter((f) => f.endsWith('.json')).map((f) => fs.readFileSync(path.join(dashboards, f), 'utf8')),
    ];
    expect(texts.length).toBeGreaterThan(ruleFiles.length);
    for (const t of texts) expect(t).not.toMatch(/\b(le|quantile)\s*(=|!=|=~|!~)\s*\\?["']/);
  });
});

describe.each(PROMTOOLS)('Prometheus $major.x promtool', ({ major, cmd }) => {
  it(`is a ${major}.x promtool (scripts/setup-ci.sh fetches the 3.x one)`, async () => {
    const r = await runTool(cmd, ['--version']).catch((e: Error) => ({ code: -1, stdout: '', stderr: `${cmd}: ${e.message}; run bash scripts/setup-ci.sh` }));
    expect(r.stdout, r.stderr).toMatch(new RegExp(`^promtool, version ${major}\\.\\d+\\.\\d+`));
  });

  it('check rules accepts every rule file', async () => {
    const r = await runTool(cmd, ['check', 'rules', ...ruleFiles], dir);
    expect(r.stderr + r.stdout).toContain('SUCCESS');
    expect(r.code, r.stderr + r.stdout).toBe(0);
  });

  it('check config accepts prometheus.yml (and the rules it loads)', async () => {
    const r = await runTool(cmd, ['check', 'config', 'prometheus.yml'], dir);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('rules/alerts.yml');
    expect(r.stdout).toContain('rules/recording.yml');
  });

  // Two promtools at a time (lanes.ts): slo and uptime take 20 to 30 s each, walking weeks of
  // input at every evaluation step; the eight files one after the other took 137 s for both lines.
  // A test's timeout also counts its wait for a lane: on a shared machine (load 8 to 14) slo took
  // 76 to 118 s and uptime 71 to 99 s, and the files queued behind them hit a 120 s limit while
  // promtool itself passed. 600 s still fails a promtool that hangs.
  const lane = lanes(2);
  for (const file of testFiles) {
    it.concurrent(`test rules ${file}`, async ({ expect }) => {
      const r = await lane(() => runTool(cmd, ['test', 'rules', file], dir));
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toContain('SUCCESS');
    }, 600_000);
  }
});
