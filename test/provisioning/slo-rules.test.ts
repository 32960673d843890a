import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { tempDir } from '../support/tmp.js';
import { PROMTOOLS, runTool } from '../alerting/tools.js';

/*
 * provisioning/prometheus/rules/slo.yml and tests/slo.test.yml are generated from
 * examples/reference.yml by `statusgraph rules`: regenerate them here and fail on any difference,
 * so the committed rules are always the reference config's. promtool checks and runs them in
 * test/alerting/prometheus-rules.test.ts, with the other rule files.
 */
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'exporter/dist/cli.js');
const committed = (p: string) => fs.readFileSync(path.join(root, 'provisioning/prometheus', p), 'utf8');

// The reference config reads secrets from the environment; the rules need only the topology.
const env = {
  ...process.env,
  PG_PRIMARY_DSN: 'postgresql://u:p@pg1:5432/postgres',
  PG_REPLICA_DSN: 'postgresql://u:p@pg2:5432/postgres',
  REDIS_URL: 'redis://:p@redis:6379',
  RABBITMQ_URL: 'amqp://u:p@rabbitmq:5672/',
};

function generate(args: string[]): string {
  const dir = tempDir('sg-slo-');
  try {
    const tokens = path.join(dir.path, 'tokens');
    fs.writeFileSync(tokens, 'token-1\n');
    const file = path.join(dir.path, 'reference.yml');
    fs.writeFileSync(file, fs.readFileSync(path.join(root, 'examples/reference.yml'), 'utf8').replace('/run/secrets/statusgraph-tokens', tokens));
    const r = spawnSync(process.execPath, [cli, 'rules', '--config', file, ...args], { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  } finally {
    dir.remove();
  }
}

const REGENERATE = "regenerate with scripts/generate-slo-rules.sh (after npm run build)";
const script = path.join(root, 'scripts/generate-slo-rules.sh');
const GENERATED = ['rules/slo.yml', 'rules/alerts.yml', 'tests/slo.test.yml', 'tests/alerts.test.yml', 'tests/maintenance.test.yml', 'tests/replicas.test.yml'];

/** scripts/generate-slo-rules.sh with `args`, writing into a fresh directory; the files it wrote. */
function runScript(args: string[], body: (out: string, r: ReturnType<typeof spawnSync>) => Promise<void> | void) {
  const dir = tempDir('sg-rules-');
  const r = spawnSync('bash', [script, ...args, '--out', dir.path], { encoding: 'utf8' });
  return Promise.resolve(body(dir.path, r)).finally(() => dir.remove());
}

describe('generated SLO rules', () => {
  it('rules/slo.yml is what `statusgraph rules` makes of examples/reference.yml', () => {
    expect(generate([]), REGENERATE).toBe(committed('rules/slo.yml'));
  });

  it('tests/slo.test.yml is what `statusgraph rules --tests` makes of it', () => {
    expect(generate(['--tests', '../rules/slo.yml']), REGENERATE).toBe(committed('tests/slo.test.yml'));
  });

  it('has one objective per component of the reference topology, and cases that fire and that do not', () => {
    const rules = YAML.parse(committed('rules/slo.yml')) as { groups: { rules: { record?: string; expr: string; labels?: Record<string, string> }[] }[] };
    const objectives = rules.groups.flatMap((g) => g.rules).filter((r) => r.record === 'component:statusgraph_slo_objective:ratio');
    expect(objectives).toHaveLength(14);
    expect(objectives.find((r) => r.labels?.component === 'payments')?.expr).toBe('vector(0.9995)');
    expect(objectives.find((r) => r.labels?.component === 'stripe-api')?.expr).toBe('vector(0.995)');
    const tests = committed('tests/slo.test.yml');
    for (const a of ['StatusgraphSloFastBurn', 'StatusgraphSloSlowBurn']) {
      expect(tests).toMatch(new RegExp(`alertname: ${a}\\n\\s*exp_alerts: \\[\\]`));
      expect(tests).toMatch(new RegExp(`alertname: ${a}\\n\\s*exp_alerts:\\n\\s*- exp_labels`));
    }
    expect(tests).toContain("cause: upstream, root_cause: api-gateway, impacted: 'true'");
  });

  it('fails to load a config with an error, naming it, and prints nothing', () => {
    const r = spawnSync(process.execPath, [cli, 'rules', '--config', path.join(root, 'nonexistent.yml')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/nonexistent\.yml/);
  });
});

describe('runbook links of the exporter\'s own alerts (scripts/generate-slo-rules.sh --runbook-base)', () => {
  const links = (text: string) => [...text.matchAll(/runbook_url: '(https:[^']*#statusgraph[a-z]+)'/g)].map((m) => m[1]);

  it('the committed rules and tests are the script\'s output with the default base: absolute https links', async () => {
    await runScript([], (out, r) => {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      for (const f of GENERATED) expect(fs.readFileSync(path.join(out, f), 'utf8'), `${f}: ${REGENERATE}`).toBe(committed(f));
    });
    expect(links(committed('rules/alerts.yml'))).toEqual([
      'https://statusgraph.example/docs/runbooks.md#statusgraphmaintenance',
      'https://statusgraph.example/docs/runbooks.md#statusgraphexporterdown',
      'https://statusgraph.example/docs/runbooks.md#statusgraphexporterabsent',
      'https://statusgraph.example/docs/runbooks.md#statusgraphprobecycleoverrun',
      'https://statusgraph.example/docs/runbooks.md#statusgraphcheckerunhealthy',
      'https://statusgraph.example/docs/runbooks.md#statusgraphnoleader',
    ]);
  });

  it('puts another base into every exporter alert and its expected annotation; promtool 2 and 3 pass on the result', async () => {
    const base = 'https://docs.acme.test:8443/ops/statusgraph/runbooks.html';
    await runScript(['--runbook-base', base], async (out, r) => {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const alerts = fs.readFileSync(path.join(out, 'rules/alerts.yml'), 'utf8');
      expect(links(alerts)).toEqual(links(committed('rules/alerts.yml')).map((l) => l!.replace(/^[^#]*/, base)));
      // Only those lines change: the component alerts keep their template.
      expect(alerts.replaceAll(base, 'https://statusgraph.example/docs/runbooks.md')).toBe(committed('rules/alerts.yml'));
      const tests = fs.readFileSync(path.join(out, 'tests/alerts.test.yml'), 'utf8');
      expect(links(tests).length).toBe(3);
      expect(links(tests).every((l) => l!.startsWith(`${base}#`))).toBe(true);
      const maint = fs.readFileSync(path.join(out, 'tests/maintenance.test.yml'), 'utf8');
      expect(links(maint)).toEqual([`${base}#statusgraphmaintenance`]);
      const replicas = fs.readFileSync(path.join(out, 'tests/replicas.test.yml'), 'utf8');
      // Two replicas set aside, then the cluster without a leader.
      expect(links(replicas)).toEqual([`${base}#statusgraphcheckerunhealthy`, `${base}#statusgraphcheckerunhealthy`, `${base}#statusgraphnoleader`]);
      fs.copyFileSync(path.join(root, 'provisioning/prometheus/rules/recording.yml'), path.join(out, 'rules/recording.yml'));
      for (const { major, cmd } of PROMTOOLS) {
        for (const file of ['tests/alerts.test.yml', 'tests/maintenance.test.yml', 'tests/replicas.test.yml']) {
          const t = await runTool(cmd, ['test', 'rules', file], out);
          expect(t.code, `promtool ${major}.x ${file}: ${t.stdout}${t.stderr}`).toBe(0);
        }
      }
    });
  }, 120_000);

  it('refuses a base that is not an absolute https URL without a fragment, and writes nothing', async () => {
    for (const base of ['docs/runbooks.md', 'http://docs.acme.test/runbooks.md', 'https://docs.acme.test/runbooks.md#top', "https://docs.acme.test/it's.md"]) {
      await runScript(['--runbook-base', base], (out, r) => {
        expect(r.status, base).toBe(2);
        expect(r.stderr).toContain('--runbook-base must be an absolute https URL');
        expect(fs.readdirSync(out), base).toEqual([]);
      });
    }
  });
});
