import { describe, it, expect } from 'vitest';
import { scheduleReportsWith, type ScheduleDeps } from '../../src/reports/schedule.js';
import { scheduleReports } from '../../src/reports/index.js';

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj: object, msg: string) => { lines.push({ level: 'info', obj, msg }); },
    error: (obj: object, msg: string) => { lines.push({ level: 'error', obj, msg }); },
  };
}

const base = { prometheusUrl: 'http://prometheus:9090', webhookUrl: 'https://hooks.slack.example/services/T/B/secret' };

describe('report schedule', () => {
  it('runs daily at 09:00 and weekly on Monday at 09:00 in the configured zone', () => {
    const s = scheduleReportsWith({ ...base, timezone: 'Europe/Berlin', logger: recordingLogger(), daily: true, weekly: true }, { build: async () => '', post: async () => {} });
    try {
      const { daily, weekly } = s.next();
      expect(daily).toBeInstanceOf(Date);
      expect(weekly).toBeInstanceOf(Date);
      const berlin = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
      expect(berlin(daily!)).toMatch(/ 09:00$/);
      expect(berlin(weekly!)).toBe('Monday 09:00');
      expect(daily!.getTime()).toBeGreaterThan(Date.now());
      expect(daily!.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000 + 3_600_000);
    } finally {
      s.stop();
    }
  });

  it('only schedules what is enabled', () => {
    const s = scheduleReportsWith({ ...base, timezone: 'UTC', logger: recordingLogger(), daily: false, weekly: true }, { build: async () => '', post: async () => {} });
    expect(Object.keys(s.next())).toEqual(['weekly']);
    s.stop();
  });

  it('a run builds the report for now and posts it; a failure is logged, not thrown', async () => {
    const calls: string[] = [];
    const logger = recordingLogger();
    let fail = false;
    const deps: ScheduleDeps = {
      build: async (kind, o) => { calls.push(`build ${kind} ${o.prometheusUrl} ${o.timezone}`); if (fail) throw new Error('prometheus down'); return `# ${kind}`; },
      post: async (url, md) => { calls.push(`post ${md} ${url === base.webhookUrl}`); },
    };
    const s = scheduleReportsWith({ ...base, timezone: 'UTC', logger, daily: true, weekly: true }, deps);
    try {
      expect(await s.runNow('weekly')).toBe(true);
      expect(calls).toEqual(['build weekly http://prometheus:9090 UTC', 'post # weekly true']);
      fail = true;
      expect(await s.runNow('daily')).toBe(false);
      expect(logger.lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['info report posted to Slack', 'error report failed']);
      // The webhook URL is a secret: never logged.
      expect(JSON.stringify(logger.lines)).not.toContain('secret');
    } finally {
      s.stop();
    }
  });

  it('rejects an unknown timezone before scheduling anything', () => {
    expect(() => scheduleReports({ ...base, timezone: 'Nowhere/Land', logger: recordingLogger(), daily: true, weekly: true })).toThrow('unknown timezone');
  });
});
