import { Writable } from 'node:stream';
import { pino } from 'pino';
import { runWithDeadline } from '../../exporter/src/engine/deadline.js';
import { HttpDispatchers } from '../../exporter/src/probes/http-dispatchers.js';
import type { ProbeKind, ProbeOutcome, ProbeRunner } from '../../exporter/src/probes/types.js';

/** A probe built straight from its kind, the way the monitor builds it, with its logs captured. */
export interface ProbeUnderTest {
  readonly runner: ProbeRunner;
  /** One run under the monitor's own deadline of `timeoutMs` (default: the probe's timeout). */
  run(timeoutMs?: number): Promise<ProbeOutcome>;
  /** Everything the probe logged (debug level and up). */
  logs(): string;
  close(): Promise<void>;
}

export function probeUnderTest<O>(kind: ProbeKind<O>, options: Record<string, unknown>, opts: { timeoutMs?: number; component?: string } = {}): ProbeUnderTest {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  let logged = '';
  const sink = new Writable({ write(chunk, _enc, cb) { logged += String(chunk); cb(); } });
  const logger = pino({ level: 'debug' }, sink);
  const http = new HttpDispatchers();
  // The options go through the kind's own schema, as the config loader does.
  const parsed = kind.options.parse(options);
  const runner = kind.create(
    { ...parsed, kind: kind.kind, name: kind.kind, timeoutMs },
    { component: opts.component ?? 'under-test', logger, http },
  );
  return {
    runner,
    run: (ms = timeoutMs) => runWithDeadline(runner, ms),
    logs: () => logged,
    async close() {
      await runner.close();
      await http.close();
    },
  };
}
