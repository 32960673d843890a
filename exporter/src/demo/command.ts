/** The `demo` CLI command: run the demo, or break/heal a component of the running one. */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEMO_TOPOLOGY } from './topology.js';
import { controlDemo, defaultDemoDir, startDemo } from './run.js';
import { startupFailureLine } from '../startup-errors.js';

function intervalArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(v);
  const ms = m ? Number(m[1]) * (m[2] === 's' ? 1_000 : 1) : NaN;
  if (!(ms >= 500 && ms <= 60_000)) throw new InvalidArgumentError('expected a duration from 500ms to 60s, e.g. 2s');
  return ms;
}

/**
 * How to run this same CLI again from the current directory: `node <path of cli.js>`, relative
 * when it is below the current directory. Not `npx statusgraph`, which outside the repository
 * asks the npm registry for a package of that name (issue 14).
 */
export function selfCommand(cliPath = process.argv[1] ?? 'statusgraph', cwd = process.cwd()): string {
  const rel = path.relative(cwd, cliPath);
  const shown = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : cliPath;
  return `node ${/^[\w./@:+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`}`;
}

export function addDemoCommand(program: Command, listenArg: (v: string) => string): void {
  program.command('demo')
    .description('the self-contained demo: 14 simulated services, the exporter and the status page; "demo fail|slow|heal <component>" breaks, slows or heals one')
    .argument('[action]', 'fail | slow | heal (omit to run the demo)')
    .argument('[component]', 'component to break, slow down or heal')
    .option('--listen <addr>', 'HOST:PORT for the exporter and status page', listenArg, '127.0.0.1:9470')
    .option('--data-dir <dir>', 'where the demo keeps its state, history and incidents', defaultDemoDir())
    .option('--interval <duration>', 'probe interval', intervalArg, 2_000)
    .action(async (action: string | undefined, component: string | undefined, o: { listen: string; dataDir: string; interval: number }) => {
      if (action !== undefined) {
        if (action !== 'fail' && action !== 'heal' && action !== 'slow') {
          process.stderr.write(`statusgraph demo: unknown action "${action}": expected fail, slow or heal\n`);
          process.exitCode = 2;
          return;
        }
        if (!component) {
          process.stderr.write(`statusgraph demo ${action}: name a component: ${DEMO_TOPOLOGY.map((c) => c.name).join(', ')}\n`);
          process.exitCode = 2;
          return;
        }
        try {
          const r = await controlDemo(action, component, o.dataDir);
          const failed = r.components.filter((c) => c.failed).map((c) => c.name);
          const slow = r.components.filter((c) => c.slow).map((c) => c.name);
          const done = { fail: 'broke', slow: 'slowed down', heal: 'healed' }[action];
          process.stdout.write(`${done} ${component}; failed now: ${failed.length ? failed.join(', ') : 'nothing'}; slow: ${slow.length ? slow.join(', ') : 'nothing'}\n`);
        } catch (err) {
          process.stderr.write(`statusgraph demo ${action}: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
        return;
      }
      let demo;
      try {
        demo = await startDemo({ listen: o.listen, dataDir: o.dataDir, intervalMs: o.interval });
      } catch (err) {
        process.stderr.write(`${startupFailureLine('demo', err)}\n`);
        process.exit(1);
      }
      // The control commands find the demo through its state file in the data dir.
      const dirFlag = o.dataDir === defaultDemoDir() ? '' : ` --data-dir ${o.dataDir}`;
      const self = selfCommand();
      process.stdout.write([
        '',
        `statusgraph demo: ${DEMO_TOPOLOGY.length} simulated components, probed every ${o.interval} ms`,
        `  status page:  ${demo.url}/`,
        `  public page:  ${demo.publicUrl}/   (what customers see: plain words, no internal names, no auth)`,
        `  write token:  ${demo.token}   (sign in on the page for the break/heal buttons and incident forms)`,
        `  break one:    ${self} demo fail postgresql-primary${dirFlag}   (also: demo slow <component>, demo heal <component>)`,
        `  data dir:     ${o.dataDir}`,
        '',
      ].join('\n') + '\n');
      const shutdown = (signal: string) => {
        process.stderr.write(`statusgraph demo: ${signal}, shutting down\n`);
        setTimeout(() => process.exit(1), 10_000).unref();
        demo.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
