/*
 * Maintenance windows at run time (issue 19): the config's windows and the stored ones, which
 * components they cover now (read by the engine at each snapshot), creating and cancelling ad hoc
 * windows, and ending an occurrence early once everything in it has been healthy for its
 * recover_after rounds. Everything it decides is written to the store before it takes effect.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isUnhealthy, type MaintenanceWindowView } from '@statusgraph/core';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import type { Config } from '../config/types.js';
import { MAINTENANCE_DEFAULTS, meetingText, overlap, type WindowConfig } from '../config/windows.js';
import { windowProblem } from '../config/maintenance.js';
import type { Snapshot, WindowRef } from '../engine/snapshot.js';
import type { MaintenanceStore, WindowEnding } from './store.js';
import { activeAt, coverOf, endingsMap, fromStored, nextChange, occurrences, view, type Active, type AnyWindow } from './windows.js';
import type { CreateWindowBody } from './validation.js';
import { syncer } from './sync.js';

const DAY = 86_400_000;
/** Past windows kept in memory and listed: a week. */
const LOOKBACK_MS = 7 * DAY;
/** The cover is recomputed at least this often, whatever the next boundary (timers cap at ~24.8 days). */
const RECHECK_MS = 3_600_000;

export interface MaintenanceDeps {
  readonly store: MaintenanceStore;
  readonly logger: Logger;
  readonly now: () => number;
  readonly config: () => Config;
  /** The cover changed (a window began, ended, was created or cancelled): publish a snapshot now; resolves once out. */
  readonly onChange: () => Promise<void> | void;
  /** An occurrence began or ended, for the sinks (Grafana annotation, Alertmanager silence). */
  readonly onWindow?: (e: { readonly type: 'started' | 'ended'; readonly window: MaintenanceWindowView }) => void;
  /**
   * The store is shared with other processes (PostgreSQL, a cluster): re-read its windows and early
   * ends at most once per probe interval (config().intervalMs), so one created or cancelled on
   * another replica is in force here within an interval. Off (SQLite): one process, read at start.
   */
  readonly shared?: boolean;
}

export interface Maintenance {
  /** Component -> the window covering it now; cached until the next boundary. */
  cover(): ReadonlyMap<string, WindowRef>;
  /** Occurrences from `days` back to `days` ahead, by start. */
  list(opts?: { state?: MaintenanceWindowView['status']; days?: number }): MaintenanceWindowView[];
  /** Occurrences starting within `aheadMs`, and active ones: what audience pages announce. */
  upcoming(aheadMs: number): MaintenanceWindowView[];
  create(input: CreateWindowBody, author: string): Promise<MaintenanceWindowView>;
  cancel(id: string, author: string): Promise<MaintenanceWindowView>;
  onSnapshot(s: Snapshot): void;
  /**
   * The windows created at run time that are in force or still to come (not ended, not
   * cancelled): a reloaded config may not overlap them (config/maintenance.ts).
   */
  runTimeWindows(): WindowConfig[];
  /** After a reload: the config's windows follow. */
  setConfig(): void;
  close(): Promise<void>;
}

/** Per active occurrence with recover_after: whether work was seen, and each component's healthy streak start. */
interface Recovery { armed: boolean; readonly since: Map<string, number> }

export async function createMaintenance(deps: MaintenanceDeps): Promise<Maintenance> {
  const { store, logger, now } = deps;
  const t0 = now();
  let stored: AnyWindow[] = (await store.windows(t0 - LOOKBACK_MS)).map(fromStored);
  const endings = endingsMap(await store.endings(endingsSince(t0)));
  const maxDuration = () => deps.config().maintenance?.maxDurationMs ?? MAINTENANCE_DEFAULTS.maxDurationMs;
  const all = (): AnyWindow[] => [...(deps.config().maintenance?.windows ?? []).map((window): AnyWindow => ({ window, source: 'config' })), ...stored];
  let cached: { cover: Map<string, WindowRef>; active: Active[]; until: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const recovery = new Map<string, Recovery>();
  // Occurrence lists by span, kept until the cover next changes: each recurring window costs
  // croner ~0.4 ms per start on a loaded 2-core machine, and audience pages ask on every request.
  const lists = new Map<string, { until: number; list: MaintenanceWindowView[] }>();
  const listed = (key: string, from: number, to: number, limit: number): MaintenanceWindowView[] => {
    const until = refresh().until;
    const hit = lists.get(key);
    if (hit && hit.until === until) return hit.list;
    const list = occurrences(all(), endings, from, to, now(), limit);
    lists.set(key, { until, list });
    return list;
  };
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = writes.then(f, f);
    writes = p.catch(() => undefined);
    return p;
  };
  const sync = syncer({
    store, logger, now, serial, since: (t) => ({ windows: t - LOOKBACK_MS, endings: endingsSince(t) }),
    // Replaced wholesale: another replica's create or cancel, or an early end it recorded.
    apply(windows, ends) {
      const fresh = windows.map(fromStored);
      const same = sameKeys(stored.map((w) => w.window.id), fresh.map((w) => w.window.id)) && sameKeys([...endings.keys()], [...endingsMap(ends).keys()]);
      if (same) return false;
      stored = fresh;
      endings.clear();
      for (const [k, e] of endingsMap(ends)) endings.set(k, e);
      return true;
    },
    changed: () => changed(),
  });
  const poll = () => { if (deps.shared) sync.due(deps.config().intervalMs); };

  const refresh = (): NonNullable<typeof cached> => {
    poll();
    const t = now();
    if (cached && t < cached.until) return cached;
    // What ended over a week ago is neither listed nor in force: forget it (a long run would keep it all).
    stored = stored.filter((w) => w.window.schedule.kind !== 'once' || w.window.schedule.endMs > t - LOOKBACK_MS);
    const windows = all();
    const before = cached?.active ?? [];
    const active = activeAt(windows, endings, t);
    cached = { cover: coverOf(active), active, until: nextChange(windows, active, t, RECHECK_MS) };
    announce(before, active, t);
    clearTimeout(timer);
    timer = setTimeout(() => { cached = undefined; refresh(); void deps.onChange(); }, Math.max(1, cached.until - t));
    timer.unref();
    return cached;
  };
  const announce = (before: readonly Active[], after: readonly Active[], t: number) => {
    const k = (a: Active) => `${a.ref.id}@${a.ref.startMs}`;
    const was = new Set(before.map(k));
    const is = new Set(after.map(k));
    for (const a of after) if (!was.has(k(a))) deps.onWindow?.({ type: 'started', window: view(a.any, a.ref, endings, t) });
    for (const a of before) if (!is.has(k(a))) deps.onWindow?.({ type: 'ended', window: view(a.any, a.ref, endings, t) });
  };
  const changed = async () => { cached = undefined; lists.clear(); refresh(); await deps.onChange(); };

  const endOccurrence = async (e: WindowEnding): Promise<boolean> => {
    const done = await store.end(e);
    if (done) endings.set(`${e.windowId}@${e.startMs}`, e);
    await changed();
    return done;
  };

  return {
    cover: () => refresh().cover,
    list(opts = {}) {
      const t = now();
      const days = opts.days ?? 7;
      const list = listed(`list:${days}`, t - days * DAY, t + days * DAY, 1_000);
      return opts.state ? list.filter((v) => v.status === opts.state) : list;
    },
    upcoming(aheadMs) {
      const t = now();
      return listed(`upcoming:${aheadMs}`, t, t + aheadMs, 200).filter((v) => v.status === 'upcoming' || v.status === 'active');
    },
    create: (input, author) => serial(async () => {
      const t = now();
      const w = checkedWindow(input, t, deps.config(), maxDuration());
      for (const other of all()) {
        const o = overlap(w, other.window, t);
        if (o && !endingsCover(endings, other.window.id, o.startMs, t)) {
          throw new BadRequestError(`overlaps maintenance window ${other.window.id} ("${other.window.title}") ${meetingText(w, other.window, o)}`);
        }
      }
      const s = w.schedule as { startMs: number; endMs: number };
      await store.create({
        id: w.id, title: w.title, ...(w.description ? { description: w.description } : {}), components: w.components,
        startMs: s.startMs, endMs: s.endMs, ...(w.recoverAfter ? { recoverAfter: w.recoverAfter } : {}), author, createdAt: t,
      });
      const any: AnyWindow = { window: w, source: 'adhoc', author };
      stored = [...stored, any];
      logger.info({ event: 'maintenance_created', window: w.id, components: w.components, start: s.startMs, end: s.endMs, author }, 'maintenance window created');
      await changed();
      return view(any, s, endings, now());
    }),
    cancel: (id, author) => serial(async () => {
      const t = now();
      // Created on another replica since the last read: read now rather than answer 404.
      if (deps.shared && !stored.some((s) => s.window.id === id)) await sync.load();
      const any = stored.find((s) => s.window.id === id);
      if (!any) {
        if (all().some((a) => a.window.id === id)) throw new ConflictError(`maintenance window ${id} is in the config: remove it there and reload`);
        throw new NotFoundError(`no maintenance window ${id}`);
      }
      const s = any.window.schedule as { startMs: number; endMs: number };
      const current = view(any, s, endings, t);
      if (current.status === 'ended' || current.status === 'cancelled') throw new ConflictError(`maintenance window ${id} has already ${current.status === 'ended' ? 'ended' : 'been cancelled'}`);
      if (!await endOccurrence({ windowId: id, startMs: s.startMs, endedAt: t, reason: 'cancelled', author })) {
        // Another replica ended it since this one's last read: take its ending, answer as a repeat would.
        await sync.load();
        throw new ConflictError(`maintenance window ${id} has already ended early`);
      }
      logger.info({ event: 'maintenance_cancelled', window: id, author }, 'maintenance window cancelled');
      return view(any, s, endings, now());
    }),
    onSnapshot(s) {
      const active = refresh().active;
      // Occurrences no longer in force (ended, cancelled) need no count.
      if (recovery.size > active.length) for (const k of recovery.keys()) if (!active.some((a) => `${a.ref.id}@${a.ref.startMs}` === k)) recovery.delete(k);
      for (const a of active) {
        const n = a.any.window.recoverAfter;
        if (n === undefined) continue;
        const k = `${a.ref.id}@${a.ref.startMs}`;
        let r = recovery.get(k);
        if (!r) recovery.set(k, r = { armed: false, since: new Map() });
        if (!recovered(r, a.any.window, s, n)) continue;
        recovery.delete(k);
        void serial(() => endOccurrence({ windowId: a.ref.id, startMs: a.ref.startMs, endedAt: now(), reason: 'recovered', author: 'statusgraph' }))
          .then(() => logger.info({ event: 'maintenance_recovered', window: a.ref.id, rounds: n }, 'maintenance window ended early: every component healthy'))
          .catch((err: unknown) => logger.error({ event: 'maintenance_end_failed', window: a.ref.id, err: String(err) }, 'could not record the early end of a maintenance window'));
      }
    },
    runTimeWindows() {
      const t = now();
      return stored.filter((a) => a.window.schedule.kind === 'once' && a.window.schedule.endMs > t && !endingsCover(endings, a.window.id, a.window.schedule.startMs, t))
        .map((a) => a.window);
    },
    setConfig() { void changed(); },
    async close() {
      clearTimeout(timer);
      await writes;
      await store.close();
    },
  };
}

/** Early ends kept: those of occurrences a year long at most that began within the lookback. */
function endingsSince(t: number): number {
  return t - LOOKBACK_MS - RECHECK_MS - 366 * DAY;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((k) => set.has(k));
}

/** Whether an occurrence had ended (early) by `t`. */
function endingsCover(endings: ReadonlyMap<string, WindowEnding>, id: string, startMs: number, t: number): boolean {
  const e = endings.get(`${id}@${startMs}`);
  return e !== undefined && e.endedAt <= t;
}

/**
 * Whether every component of the window has now been healthy (its probes pass and its shown state
 * is not an outage) for `n` of its own rounds in a row, after some work was seen in the window (a
 * failure): a window must not end before the work has begun.
 */
function recovered(r: Recovery, w: WindowConfig, s: Snapshot, n: number): boolean {
  let all = true;
  for (const name of w.components) {
    const c = s.byName.get(name);
    if (!c || !c.checked) { all = false; continue; }
    const healthy = !isUnhealthy(c.state) && c.probes.every((p) => p.success);
    if (!healthy) {
      r.armed = true;
      r.since.delete(name);
      all = false;
      continue;
    }
    if (!r.since.has(name)) r.since.set(name, c.counts.rounds);
    if (c.counts.rounds - r.since.get(name)! + 1 < n) all = false;
  }
  return all && r.armed;
}

/** A window from an API body, or a 400 naming what is wrong. */
function checkedWindow(input: CreateWindowBody, t: number, config: Config, maxDurationMs: number): WindowConfig {
  const known = new Set(config.components.map((c) => c.name));
  const unknown = input.components.filter((c) => !known.has(c));
  if (unknown.length) throw new BadRequestError(`components: unknown component${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const startMs = input.start ?? t;
  if (input.end !== undefined && input.duration !== undefined) throw new BadRequestError('end: give end or duration, not both');
  const endMs = input.end ?? (input.duration !== undefined ? startMs + input.duration : undefined);
  if (endMs === undefined) throw new BadRequestError('duration: give a duration ("30m") or an end');
  if (endMs <= startMs) throw new BadRequestError('end: is before (or at) start');
  if (endMs <= t) throw new BadRequestError('end: is in the past');
  const schedule = { kind: 'once' as const, startMs, endMs };
  const bad = windowProblem(schedule, maxDurationMs, t);
  if (bad) throw new BadRequestError(`${input.duration !== undefined ? 'duration' : 'end'}: ${bad.problem}`);
  const components = [...new Set(input.components)].sort();
  return {
    id: `mw-${randomBytes(6).toString('hex')}`,
    title: input.title ?? `Maintenance: ${components.join(', ')}`,
    ...(input.description ? { description: input.description } : {}),
    components,
    ...(input.recover_after ? { recoverAfter: input.recover_after } : {}),
    schedule,
  };
}
