import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { ProbeKind, ProbeOutcome, ReportedState } from './types.js';
import { networkReason, since } from './errors.js';

/** A summary.json is a few kB; a page that sends megabytes is not one. */
const MAX_BODY_BYTES = 2 << 20;

const options = z.strictObject({
  /** The vendor's https://status.example.com/api/v2/summary.json */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Vendor component names to watch; when given, the worst of them decides instead of the overall indicator. */
  components: z.array(z.string().min(1)).min(1, 'list at least one component, or leave the key out').optional(),
});

export type StatuspageOptions = z.output<typeof options>;

/** The parts of the Statuspage v2 summary the probe reads; everything else is ignored. */
const summarySchema = z.object({
  status: z.object({
    indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
    description: z.string().optional(),
  }),
  components: z.array(z.object({ name: z.string(), status: z.string(), group: z.boolean().optional() })).default([]),
  incidents: z.array(z.object({ name: z.string(), status: z.string() })).default([]),
  scheduled_maintenances: z.array(z.object({ name: z.string(), status: z.string() })).default([]),
});

export type StatuspageSummary = z.output<typeof summarySchema>;

/** What a state means to the component: an outage level, maintenance, or nothing. */
type Level = 'operational' | 'maintenance' | ReportedState;

const SEVERITY: Readonly<Record<Level, number>> = { operational: 0, maintenance: 1, degraded: 2, partial_outage: 3, major_outage: 4 };

const INDICATOR_LEVEL: Readonly<Record<StatuspageSummary['status']['indicator'], Level>> = {
  none: 'operational',
  minor: 'degraded',
  major: 'partial_outage',
  critical: 'major_outage',
  maintenance: 'maintenance',
};

/** Component statuses of the public format; an unknown one (a newer API) counts as no news. */
const COMPONENT_LEVEL: Readonly<Record<string, Level>> = {
  operational: 'operational',
  degraded_performance: 'degraded',
  partial_outage: 'partial_outage',
  major_outage: 'major_outage',
  under_maintenance: 'maintenance',
};

const WORDS: Readonly<Record<Level, string>> = {
  operational: 'operational',
  maintenance: 'maintenance',
  degraded: 'degraded performance',
  partial_outage: 'partial outage',
  major_outage: 'major outage',
};

const CLOSED_INCIDENT = new Set(['resolved', 'postmortem']);
const ACTIVE_MAINTENANCE = new Set(['in_progress', 'verifying']);

const UNAVAILABLE = 'vendor status unavailable';

export function unavailable(durationSeconds: number, why: string): ProbeOutcome {
  return { success: true, inconclusive: true, durationSeconds, reason: `${UNAVAILABLE}: ${why}` };
}

/**
 * The component's view of a vendor's summary: the overall indicator, or the worst of the watched
 * components. Pure, so every fixture is checked without a server.
 */
export function statuspageOutcome(durationSeconds: number, summary: StatuspageSummary, watch?: readonly string[]): ProbeOutcome {
  const incidents = summary.incidents.filter((i) => !CLOSED_INCIDENT.has(i.status)).map((i) => i.name);
  const maintenances = summary.scheduled_maintenances.filter((m) => ACTIVE_MAINTENANCE.has(m.status)).map((m) => m.name);
  const info = {
    indicator: summary.status.indicator,
    ...(summary.status.description ? { description: summary.status.description } : {}),
    incidents,
    maintenances,
  };

  let level: Level;
  let detail: string[];
  if (watch && watch.length > 0) {
    const missing = watch.filter((name) => !summary.components.some((c) => c.name === name));
    if (missing.length > 0) {
      return { ...unavailable(durationSeconds, `component${missing.length > 1 ? 's' : ''} not on the page: ${missing.join(', ')}`), info };
    }
    const watched = summary.components.filter((c) => watch.includes(c.name));
    const levelOf = (status: string): Level => COMPONENT_LEVEL[status] ?? 'operational';
    level = watched.reduce<Level>((worst, c) => (SEVERITY[levelOf(c.status)] > SEVERITY[worst] ? levelOf(c.status) : worst), 'operational');
    detail = watched.filter((c) => levelOf(c.status) === level).map((c) => c.name);
    const relevant = level === 'maintenance' ? maintenances : incidents;
    if (relevant.length > 0) detail = [...detail, ...relevant];
  } else {
    level = INDICATOR_LEVEL[summary.status.indicator];
    const names = level === 'maintenance' ? maintenances : incidents;
    detail = names.length > 0 ? names : summary.status.description ? [summary.status.description] : [];
  }

  if (level === 'operational') return { success: true, durationSeconds, info };
  const reason = `vendor reports ${WORDS[level]}${detail.length ? `: ${detail.join('; ')}` : ''}`;
  if (level === 'maintenance') return { success: true, maintenance: true, durationSeconds, reason, info };
  return { success: true, reportedState: level, durationSeconds, reason, info };
}

/** Reads at most `limit` bytes; more means the URL is not a summary. */
async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a response is not a usable summary, or the parsed summary. */
export function parseSummary(statusCode: number, contentType: string | undefined, text: string | undefined): StatuspageSummary | string {
  if (statusCode !== 200) return `status ${statusCode}`;
  if (text === undefined) return 'response too large';
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/html' || /^\s*</.test(text)) return `not JSON (${type || 'no content type'})`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'malformed JSON';
  }
  const parsed = summarySchema.safeParse(doc);
  if (!parsed.success) return 'not a Statuspage v2 summary';
  return parsed.data;
}

export const statuspageProbe: ProbeKind<StatuspageOptions> = {
  kind: 'statuspage',
  options,
  create(cfg, ctx) {
    // Vendors redirect (http to https, old domains); TLS is always verified for a third party.
    const dispatcher = ctx.http.get({ verifyTls: true, maxRedirections: 5 });
    const target = new URL(cfg.url);
    const ownDeadlineMs = Math.max(1, cfg.timeoutMs - Math.min(250, cfg.timeoutMs * 0.1));
    return {
      async run(deadline) {
        const start = performance.now();
        // A slow status page is "unavailable", not a failed probe: answer just before the
        // scheduler's deadline would turn the run into a timeout failure.
        const signal = AbortSignal.any([deadline, AbortSignal.timeout(ownDeadlineMs)]);
        try {
          const res = await dispatcher.request({
            origin: target.origin,
            path: target.pathname + target.search,
            method: 'GET',
            headers: { accept: 'application/json', 'user-agent': 'statusgraph' },
            signal,
          });
          const contentType = res.headers['content-type'];
          let text: string | undefined;
          if (res.statusCode === 200) text = await readLimited(res.body, MAX_BODY_BYTES);
          else await res.body.dump({ signal, limit: 65_536 });
          const durationSeconds = since(start);
          const summary = parseSummary(res.statusCode, Array.isArray(contentType) ? contentType[0] : contentType, text);
          if (typeof summary === 'string') return unavailable(durationSeconds, summary);
          return statuspageOutcome(durationSeconds, summary, cfg.components);
        } catch (err) {
          // The vendor's page being down says nothing about the vendor's API: inconclusive, not down.
          return unavailable(since(start), networkReason(err, signal));
        }
      },
      async close() { /* the pools are shared and closed with the monitor */ },
    };
  },
};
