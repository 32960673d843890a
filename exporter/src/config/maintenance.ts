/*
 * Maintenance windows in the config (`maintenance:`, issue 19): the YAML shape, the checks across
 * keys (known components, end after start, not too long, a cron that fires, no two windows on one
 * component at once) and the typed, frozen form. Apart from schema.ts and load.ts like pages.ts.
 */
import { z } from 'zod';
import { duration } from './duration.js';
import type { ConfigIssue } from './errors.js';
import { MAINTENANCE_DEFAULTS, meetingText, overlap, scheduleProblem, type MaintenanceConfig, type WindowConfig, type WindowSchedule } from './windows.js';

type PathKey = string | number;
type Where = (p: readonly PathKey[], key?: string) => { line: number; col: number };

/** An instant with its zone: 2026-12-01T02:00:00Z or 2026-12-01T03:00:00+01:00. */
export const instant = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, 'must be an ISO 8601 time with its zone, e.g. 2026-12-01T02:00:00Z')
  .transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `is not a valid time: ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return ms;
  });

const timezone = z.string().refine((tz) => {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}, 'unknown time zone');

/** Up to 366 days: the check then reads it against max_duration with a position. */
const windowDuration = duration(60_000, 366 * 86_400_000);

const windowSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+'),
  title: z.string().min(1).max(200),
  description: z.string().min(1).max(2_000).optional(),
  components: z.array(z.string().min(1)).min(1, 'a window names at least one component'),
  // One-off ...
  start: instant.optional(),
  end: instant.optional(),
  // ... or recurring.
  cron: z.string().min(1).optional(),
  duration: windowDuration.optional(),
  timezone: timezone.default('UTC'),
  recover_after: z.number().int().min(1).max(1_000).optional(),
});

export const maintenanceSchema = z.strictObject({
  max_duration: windowDuration.default(MAINTENANCE_DEFAULTS.maxDurationMs),
  windows: z.array(windowSchema).default([]),
}).prefault({});

type FileMaintenance = z.output<typeof maintenanceSchema>;
type FileWindow = FileMaintenance['windows'][number];

/** The windows that parse, at their index, when `maintenance:` as a whole does not. */
export function soundWindows(raw: unknown): [number, FileWindow][] {
  const list = raw && typeof raw === 'object' ? (raw as { windows?: unknown }).windows : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((w, i) => {
    const r = windowSchema.safeParse(w);
    return r.success ? [[i, r.data] as [number, FileWindow]] : [];
  });
}

export interface WindowCheckInput {
  readonly file: string;
  readonly where: Where;
  readonly issues: ConfigIssue[];
  readonly components: ReadonlySet<string>;
  readonly maxDurationMs: number;
  /** Epoch ms: the start of the year over which overlaps and crons are checked. */
  readonly now: number;
  /** Windows created at run time, in force or to come (a reload only): a config window may not overlap them either. */
  readonly runTime?: readonly WindowConfig[];
}

/** The schedule of a parsed window, or the problem with its keys. */
function scheduleOf(w: FileWindow): WindowSchedule | { problem: string; key: string } {
  const once = w.start !== undefined || w.end !== undefined;
  const cron = w.cron !== undefined || w.duration !== undefined;
  if (once && cron) return { problem: 'either start/end (one-off) or cron/duration (recurring), not both', key: w.cron !== undefined ? 'cron' : 'duration' };
  if (once) {
    if (w.start === undefined || w.end === undefined) return { problem: 'a one-off window needs both start and end', key: w.start === undefined ? 'end' : 'start' };
    if (w.end <= w.start) return { problem: 'end is before (or at) start', key: 'end' };
    return { kind: 'once', startMs: w.start, endMs: w.end };
  }
  if (w.cron === undefined || w.duration === undefined) return { problem: 'a recurring window needs both cron and duration (or give start and end)', key: w.cron === undefined ? 'id' : 'cron' };
  return { kind: 'cron', cron: w.cron, durationMs: w.duration, timezone: w.timezone };
}

/** Why a window's schedule is refused (bad cron, too long, never fires), or undefined. */
export function windowProblem(s: WindowSchedule, maxDurationMs: number, now: number): { problem: string; key: string } | undefined {
  const length = s.kind === 'once' ? s.endMs - s.startMs : s.durationMs;
  if (length > maxDurationMs) return { problem: `lasts ${Math.round(length / 60_000)} minutes, longer than maintenance.max_duration (${Math.round(maxDurationMs / 60_000)} minutes)`, key: s.kind === 'once' ? 'end' : 'duration' };
  if (s.kind === 'cron') {
    let problem: string | undefined;
    try { problem = scheduleProblem(s, now); } catch (e) { problem = `cron "${s.cron}": ${(e as Error).message}`; }
    if (problem) return { problem, key: 'cron' };
  }
  return undefined;
}

/** Every check across keys of `maintenance:`; pushes problems, returns the windows that passed their own. */
export function checkWindows(windows: readonly (readonly [number, FileWindow])[], input: WindowCheckInput): WindowConfig[] {
  const { file, where, issues } = input;
  const push = (path: PathKey[], message: string) => issues.push({ file, ...where(path), message: `${path.join('.')}: ${message}` });
  const ids = new Map<string, number>();
  const good: [number, WindowConfig][] = [];
  for (const [i, w] of windows) {
    const at = (...rest: PathKey[]) => ['maintenance', 'windows', i, ...rest];
    const first = ids.get(w.id);
    if (first !== undefined) push(at('id'), `duplicate window id "${w.id}" (first defined at maintenance.windows.${first})`);
    else ids.set(w.id, i);
    let ok = true;
    w.components.forEach((c, k) => {
      if (!input.components.has(c)) { push(at('components', k), `unknown component "${c}"`); ok = false; }
    });
    const s = scheduleOf(w);
    if ('problem' in s) { push(at(s.key), s.problem); continue; }
    const bad = windowProblem(s, input.maxDurationMs, input.now);
    if (bad) { push(at(bad.key), bad.problem); continue; }
    if (ok) good.push([i, toWindow(w, s)]);
  }
  for (let x = 0; x < good.length; x++) {
    for (let y = x + 1; y < good.length; y++) {
      const [i, a] = good[x]!;
      const [j, b] = good[y]!;
      const o = overlap(a, b, input.now);
      if (o) push(['maintenance', 'windows', j], `overlaps maintenance.windows.${i} ("${a.id}") ${meetingText(a, b, o)}`);
    }
    // As the API refuses a run-time window over a config one, a reload refuses the reverse.
    const [j, b] = good[x]!;
    for (const r of input.runTime ?? []) {
      const o = overlap(b, r, input.now);
      if (o) push(['maintenance', 'windows', j], `overlaps the run-time maintenance window ${r.id} ("${r.title}") ${meetingText(b, r, o)}: cancel it (POST /api/v1/maintenance/${r.id}/cancel) or move this one`);
    }
  }
  return good.map(([, w]) => w);
}

function toWindow(w: FileWindow, schedule: WindowSchedule): WindowConfig {
  return {
    id: w.id,
    title: w.title,
    ...(w.description !== undefined ? { description: w.description } : {}),
    components: [...new Set(w.components)].sort(),
    ...(w.recover_after !== undefined ? { recoverAfter: w.recover_after } : {}),
    schedule,
  };
}

/** The typed form of a checked `maintenance:` (called only when every check passed). */
export function buildMaintenance(m: FileMaintenance, windows: readonly WindowConfig[]): MaintenanceConfig {
  return { maxDurationMs: m.max_duration, windows };
}
