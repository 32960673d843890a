import { Cron } from 'croner';
import { checkTimezone } from './format.js';

/** Daily at 09:00 and weekly on Monday at 09:00, in the configured zone (DESIGN.md). */
export const DAILY_PATTERN = '0 0 9 * * *';
export const WEEKLY_PATTERN = '0 0 9 * * 1';

export type ReportKind = 'daily' | 'weekly';

export interface ScheduleLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ScheduleDeps {
  /** Builds the markdown of one report (index.ts passes buildReport). */
  readonly build: (kind: ReportKind, opts: { prometheusUrl: string; now: Date; timezone: string }) => Promise<string>;
  readonly post: (webhookUrl: string, markdown: string, signal?: AbortSignal) => Promise<void>;
}

export interface ScheduleOptions {
  readonly prometheusUrl: string;
  readonly webhookUrl: string;
  readonly timezone: string;
  readonly logger: ScheduleLogger;
  readonly daily: boolean;
  readonly weekly: boolean;
}

export interface ReportSchedule {
  stop(): void;
  /** When each enabled report runs next (for logs, the API and tests). */
  next(): { daily?: Date; weekly?: Date };
  /** Runs one report now, as the schedule would (errors are logged, not thrown). */
  runNow(kind: ReportKind): Promise<boolean>;
}

/** One scheduled run: build, post, log. Never throws: a failed report must not stop the schedule. */
async function runOnce(kind: ReportKind, opts: ScheduleOptions, deps: ScheduleDeps, signal: AbortSignal): Promise<boolean> {
  const started = Date.now();
  try {
    const markdown = await deps.build(kind, { prometheusUrl: opts.prometheusUrl, now: new Date(started), timezone: opts.timezone });
    await deps.post(opts.webhookUrl, markdown, signal);
    opts.logger.info({ report: kind, ms: Date.now() - started, chars: markdown.length }, 'report posted to Slack');
    return true;
  } catch (e) {
    opts.logger.error({ report: kind, err: (e as Error).message }, 'report failed');
    return false;
  }
}

export function scheduleReportsWith(opts: ScheduleOptions, deps: ScheduleDeps): ReportSchedule {
  checkTimezone(opts.timezone);
  const controller = new AbortController();
  const jobs = new Map<ReportKind, Cron>();
  const enabled: [ReportKind, boolean, string][] = [['daily', opts.daily, DAILY_PATTERN], ['weekly', opts.weekly, WEEKLY_PATTERN]];
  for (const [kind, on, pattern] of enabled) {
    if (!on) continue;
    // protect: a report still running when the next is due is not started twice.
    jobs.set(kind, new Cron(pattern, { timezone: opts.timezone, protect: true }, async () => { await runOnce(kind, opts, deps, controller.signal); }));
  }
  return {
    stop() {
      controller.abort(new Error('report schedule stopped'));
      for (const job of jobs.values()) job.stop();
    },
    next() {
      return {
        ...(jobs.has('daily') ? { daily: jobs.get('daily')?.nextRun() ?? undefined } : {}),
        ...(jobs.has('weekly') ? { weekly: jobs.get('weekly')?.nextRun() ?? undefined } : {}),
      };
    },
    runNow: (kind) => runOnce(kind, opts, deps, controller.signal),
  };
}
