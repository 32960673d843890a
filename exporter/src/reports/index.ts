import type { Dispatcher } from 'undici';
import { promClient } from './promql.js';
import { collectDaily, collectWeekly } from './collect.js';
import { dailyMarkdown, weeklyMarkdown } from './markdown.js';
import { checkTimezone } from './format.js';
import { postToSlack } from './slack.js';
import { scheduleReportsWith, type ReportKind, type ReportSchedule, type ScheduleOptions } from './schedule.js';

export { postToSlack, SlackPostError } from './slack.js';
export type { ReportKind, ReportSchedule } from './schedule.js';

export interface BuildReportOptions {
  readonly prometheusUrl: string;
  /** End of the report window; default now. */
  readonly now?: Date;
  /** IANA zone for the times in the markdown; default UTC. */
  readonly timezone?: string;
  /** Resolution of episodes and incidents, seconds; default 60. */
  readonly stepSeconds?: number;
  readonly dispatcher?: Dispatcher;
}

/** Runs the report's PromQL against Prometheus and returns its markdown. */
export async function buildReport(kind: ReportKind, opts: BuildReportOptions): Promise<string> {
  if (kind !== 'daily' && kind !== 'weekly') throw new Error(`unknown report "${String(kind)}" (expected daily or weekly)`);
  const timezone = checkTimezone(opts.timezone ?? 'UTC');
  const step = opts.stepSeconds ?? 60;
  if (!Number.isInteger(step) || step < 1) throw new Error(`report step must be a whole number of seconds, got ${step}`);
  const now = opts.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new Error('report time is not a valid date');
  const client = promClient(opts.prometheusUrl, opts.dispatcher ? { dispatcher: opts.dispatcher } : {});
  return kind === 'daily'
    ? dailyMarkdown(await collectDaily(client, now, step), timezone)
    : weeklyMarkdown(await collectWeekly(client, now, step), timezone);
}

/** The service's schedule: daily 09:00 and weekly Monday 09:00 in `timezone`, posted to Slack. */
export function scheduleReports(opts: ScheduleOptions): ReportSchedule {
  return scheduleReportsWith(opts, {
    build: (kind, o) => buildReport(kind, o),
    post: (url, markdown, signal) => postToSlack(url, markdown, signal),
  });
}
