/*
 * The `statusgraph` command's subcommands. Loaded by cli.ts only after V8's memory settings are
 * in place (see there why this is a separate module).
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfigFile } from './config/load.js';
import { ConfigError } from './config/errors.js';
import { listenProblem } from './config/schema.js';
import { startupFailureLine } from './startup-errors.js';
import { PROBE_KINDS } from './probes/registry.js';
import { startService } from './app.js';
import { makeRedactor } from '@statusgraph/core';
import { storeBackend } from './incidents/backends.js';
import { createLogger, Redaction } from './log.js';
import { addDemoCommand } from './demo/command.js';
import { buildReport, postToSlack } from './reports/index.js';
import { sloRuleFile } from './slo/rules.js';
import { sloRuleTests } from './slo/tests.js';
import { sizeYoungGeneration } from './v8-tuning.js';

function listenArg(v: string): string {
  const problem = listenProblem(v);
  if (problem) throw new InvalidArgumentError(`expected HOST:PORT: ${problem}`);
  return v;
}

export function buildCli(): Command {
  const program = new Command();
  program.name('statusgraph').description('Status of every component, its dependencies and its incidents, for Prometheus, Grafana and Slack.');

  program.command('run')
    .description('run the service: probe, classify, serve /metrics, the API and the status page')
    .requiredOption('--config <file>', 'config file (YAML)')
    .option('--listen <addr>', 'HOST:PORT to listen on (overrides listen in the config)', listenArg)
    .option('--data-dir <dir>', 'where SQLite and the outbox live (overrides data_dir)')
    .action(async (o: { config: string; listen?: string; dataDir?: string }) => {
      let service;
      try {
        service = await startService({
          configFile: o.config, ...(o.listen ? { listen: o.listen } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}),
          onConfig: (c) => { sizeYoungGeneration(c.components.length); },
        });
      } catch (err) {
        process.stderr.write(`${err instanceof ConfigError ? err.message : startupFailureLine('run', err)}\n`);
        process.exit(1);
      }
      process.on('SIGHUP', () => { service.reload().catch(() => undefined); });
      const shutdown = (signal: string) => {
        service.stop().then(() => process.exit(0), () => process.exit(1));
        setTimeout(() => process.exit(1), 10_000).unref();
        process.stderr.write(`statusgraph: ${signal}, shutting down\n`);
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });

  program.command('check-config')
    .description('validate a config file; prints FILE:LINE:COL: message for each problem and exits 1')
    .argument('<file>')
    .action((file: string) => {
      try {
        const c = loadConfigFile(file, { probeKinds: PROBE_KINDS });
        process.stdout.write(`${file}: OK, ${c.components.length} components, ${c.components.reduce((n, x) => n + x.probes.length, 0)} probes\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
      }
    });

  program.command('migrate')
    .description('bring the incident store (SQLite under data_dir, or PostgreSQL with store.kind: postgres) to this version\'s schema, then exit; `run` does the same at start, under a lock')
    .requiredOption('--config <file>', 'config file (YAML)')
    .action(async (o: { config: string }) => {
      let redact = (s: string) => s;
      try {
        const config = loadConfigFile(o.config, { probeKinds: PROBE_KINDS });
        redact = makeRedactor(config.secrets);
        const logger = createLogger(new Redaction(), { level: 'silent' });
        const { from, to } = await storeBackend(config).migrate(config, logger);
        const where = config.store?.kind === 'postgres' ? 'PostgreSQL' : `SQLite (${config.dataDir})`;
        process.stdout.write(from === to ? `incident store ${where}: schema version ${to}, nothing to do\n` : `incident store ${where}: schema version ${from} -> ${to}\n`);
      } catch (err) {
        // The DSN and every other secret of the config are masked, whatever the driver put in its message.
        process.stderr.write(`${redact(err instanceof ConfigError ? err.message : startupFailureLine('migrate', err))}\n`);
        process.exitCode = 1;
      }
    });

  program.command('rules')
    .description('print the Prometheus rules of the config\'s service level objectives (recording rules and burn-rate alerts); --tests prints their promtool test cases instead')
    .requiredOption('--config <file>', 'config file (YAML)')
    .option('--tests <rules-path>', 'print `promtool test rules` cases for the rule file at this path (relative to where the test file will be)')
    .action((o: { config: string; tests?: string }) => {
      try {
        const c = loadConfigFile(o.config, { probeKinds: PROBE_KINDS });
        process.stdout.write(o.tests ? sloRuleTests(c.components, o.tests) : sloRuleFile(c.components, path.basename(o.config)));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
      }
    });

  program.command('report')
    .description('print the daily or weekly report (markdown) from Prometheus; --post sends it to Slack')
    .argument('<kind>', 'daily or weekly')
    .requiredOption('--prometheus <url>', 'Prometheus base URL, e.g. http://localhost:9090')
    .option('--post', 'also send it to the Slack incoming webhook')
    .option('--webhook-url <url>', 'Slack incoming webhook (default: $SLACK_WEBHOOK_URL)')
    .option('--timezone <zone>', 'IANA time zone for the times in the report', 'UTC')
    .option('--at <time>', 'end of the report window (ISO 8601); default now')
    .action(async (kind: string, o: { prometheus: string; post?: boolean; webhookUrl?: string; timezone: string; at?: string }) => {
      if (kind !== 'daily' && kind !== 'weekly') {
        process.stderr.write(`statusgraph report: unknown report "${kind}" (expected daily or weekly)\n`);
        process.exitCode = 2;
        return;
      }
      const webhook = o.webhookUrl ?? process.env.SLACK_WEBHOOK_URL;
      if (o.post && !webhook) {
        process.stderr.write('statusgraph report: --post needs --webhook-url or SLACK_WEBHOOK_URL\n');
        process.exitCode = 2;
        return;
      }
      try {
        const markdown = await buildReport(kind, { prometheusUrl: o.prometheus, timezone: o.timezone, ...(o.at ? { now: new Date(o.at) } : {}) });
        process.stdout.write(markdown.endsWith('\n') ? markdown : `${markdown}\n`);
        if (o.post) await postToSlack(webhook!, markdown);
      } catch (err) {
        // The webhook URL is a secret: never echo it, whatever the error says.
        const msg = String((err as Error).message ?? err).split(webhook ?? '\u0000').join('<redacted>');
        process.stderr.write(`statusgraph report: ${msg}\n`);
        process.exitCode = 1;
      }
    });

  addDemoCommand(program, listenArg);

  return program;
}

// Whatever the service or the demo writes (data_dir, the demo's state) is for its own user only;
// data-files.ts sets the modes explicitly too, for code that runs without this CLI.
process.umask(0o077);
await buildCli().parseAsync(process.argv);
