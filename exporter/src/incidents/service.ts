/*
 * The incident subsystem's core: feeds snapshots through `decide`, applies the result to the store,
 * and tells the SSE hub and the sinks' outbox. Manual operations go through here too, so every
 * change is announced the same way.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { transitiveDependents, type State } from '@statusgraph/core';
import type { Snapshot, StateChange } from '../engine/snapshot.js';
import { decide } from './decide.js';
import type { IncidentEvent } from './events.js';
import { BadRequestError, ConflictError, NotFoundError, storageError } from '../errors.js';
import { failureLog } from './failure-log.js';
import { formatId } from './ids.js';
import { pendingQueue } from './pending.js';
import { incidentJson, type IncidentJson } from './serialize.js';
import type { ChangeKind } from './sink.js';
import type { IncidentStore } from './store.js';
import type { Incident, IncidentWithTimeline, Severity, UpdateStatus } from './types.js';

export interface IncidentServiceDeps {
  readonly store: IncidentStore;
  readonly logger: Logger;
  readonly now: () => number;
  readonly config: () => Config;
  readonly publish: (event: IncidentEvent) => void;
  /** Called after any committed change: the outbox delivers it to the sinks. */
  readonly onChange: () => void;
}

export interface IncidentService {
  /**
   * Queues the snapshot and records every queued one, oldest first; settles once this snapshot was
   * recorded or kept to retry (a failure is logged, never thrown).
   */
  onSnapshot(snapshot: Snapshot, changes: readonly StateChange[]): Promise<void>;
  /**
   * Drops the snapshots kept to retry: this process no longer decides (a cluster replica that lost
   * the lease). Kept, they would be applied when it leads again, after another leader decided the
   * same time span: an old "down" could reopen an incident resolved meanwhile.
   */
  forgetPending(): void;
  get(id: number): Promise<IncidentWithTimeline | undefined>;
  list(filter?: { state?: 'open' | 'resolved'; limit?: number }): Promise<Incident[]>;
  /** The open incidents as last read from the store (after every write and snapshot): for /metrics, which cannot wait. */
  openIncidents(): readonly Incident[];
  openCount(): number;
  /** Reads the open incidents into the cache above (at start). */
  refresh(): Promise<void>;
  createManual(input: { title: string; components: readonly string[]; severity?: Severity; text?: string; author: string }): Promise<IncidentWithTimeline>;
  addUpdate(id: number, input: { text: string; status?: UpdateStatus; author: string }): Promise<IncidentWithTimeline>;
  resolve(id: number, input: { text?: string; author: string }): Promise<IncidentWithTimeline>;
  /**
   * Announces a change another part wrote to the store in its own transaction (publishing to an
   * audience page notes it in the incident): the SSE event, and the sinks' outbox is woken. Never
   * rejects: the write is done, a failed read back is logged.
   */
  noted(id: number): Promise<void>;
}

/** Events carry the incident without its timeline: clients fetch that when they need it. */
function eventJson(inc: IncidentWithTimeline) {
  const { timeline: _timeline, ...bare } = inc;
  return incidentJson(bare);
}

/**
 * Runs writes one at a time: a snapshot's decisions are made on the open incidents it read, so no
 * manual write of this process may land between that read and the apply (as when both were one
 * synchronous call).
 */
function serial(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { store, logger, now } = deps;
  let previous: ReadonlyMap<string, State> = new Map<string, State>();
  let openCache: readonly Incident[] = [];
  const exclusive = serial();

  const announce = async (id: number, change: IncidentEvent['change']): Promise<IncidentWithTimeline> => {
    const inc = (await store.get(id))!;
    deps.publish({ change, incident: eventJson(inc) });
    deps.onChange();
    return inc;
  };

  const mustGet = async (id: number): Promise<IncidentWithTimeline> => {
    const inc = await store.get(id);
    if (!inc) throw new NotFoundError(`no incident ${formatId(id)}`);
    return inc;
  };
  const mustBeOpen = async (id: number): Promise<IncidentWithTimeline> => {
    const inc = await mustGet(id);
    if (inc.resolvedAt !== null) throw new ConflictError(`${formatId(id)} is already resolved`);
    return inc;
  };

  /**
   * decide's `recorded` (a synchronous lookup): the open incidents' timelines are read once, before
   * deciding, and only for a snapshot with a component seen for the first time since the start (the
   * first snapshot or two after a start); any other snapshot reads nothing more.
   */
  const recordedStates = async (open: readonly Incident[], changes: readonly StateChange[]) => {
    const last = new Map<number, Map<string, State>>();
    if (changes.some((ch) => !previous.has(ch.component))) {
      for (const i of open) {
        const states = new Map<string, State>();
        for (const e of (await store.get(i.id))?.timeline ?? []) if (e.component !== undefined && e.to !== undefined) states.set(e.component, e.to);
        last.set(i.id, states);
      }
    }
    return (id: number, component: string): State | undefined => last.get(id)?.get(component);
  };

  const pending = pendingQueue();
  let drainQueued: Promise<void> | undefined;
  const failures = failureLog(logger, now);

  /** Applies one snapshot's decisions in one transaction; false (logged) when that failed. */
  const record = async (snapshot: Snapshot, changes: readonly StateChange[]): Promise<boolean> => {
    let open: Incident[];
    let touched: number[];
    let decided: ReturnType<typeof decide>;
    try {
      open = await store.openIncidents();
      decided = decide({ open, snapshot, changes, previous, recorded: await recordedStates(open, changes) });
      touched = await store.apply(decided.actions, now());
    } catch (e) {
      // Nothing was written (one transaction) and `previous` stays: the snapshot is tried again.
      failures.failed(e, snapshot.seq, pending.size);
      return false;
    }
    previous = decided.states;
    openCache = open;
    if (touched.length === 0) return true;
    deps.onChange();
    try {
      await announceApplied(touched, new Set(open.map((i) => i.id)));
    } catch (e) {
      // Committed: the snapshot must not be applied twice, only its announcement is lost.
      logger.error({ err: (e as Error).message }, 'incident changes recorded, but reading them back failed');
    }
    return true;
  };

  const announceApplied = async (touched: readonly number[], openBefore: ReadonlySet<number>): Promise<void> => {
    for (const id of touched) {
      const inc = await store.get(id);
      if (!inc) continue;
      const change = !openBefore.has(id) ? 'opened' : inc.resolvedAt !== null ? 'resolved' : 'updated';
      if (change !== 'updated') {
        logger.info({ incident: formatId(id), rootCause: inc.rootCause, components: inc.components }, `incident ${change}`);
      }
      deps.publish({ change, incident: eventJson(inc) });
    }
    openCache = await store.openIncidents();
  };

  const drain = async (): Promise<void> => {
    // Oldest first, each with its own timestamps; stop at the first that cannot be recorded.
    for (let p = pending.head(); p; p = pending.head()) {
      if (!(await record(p.snapshot, p.changes))) return;
      pending.shift();
    }
    failures.recovered();
  };

  /** A manual write; a full or read-only disk becomes its 507/503 with words for the caller. */
  const write = (fn: () => Promise<unknown>) => exclusive(async () => {
    try {
      await fn();
    } catch (e) {
      throw storageError(e, 'the incident') ?? e;
    }
    openCache = await store.openIncidents().catch(() => openCache);
  });

  return {
    onSnapshot(snapshot, changes) {
      pending.push(snapshot, changes);
      // One drain waiting at most: it takes every snapshot queued by then. A store that hangs (a
      // frozen server, up to the 30 s query timeout) must not pile up one drain per snapshot.
      drainQueued ??= exclusive(async () => {
        drainQueued = undefined;
        await drain();
      });
      return drainQueued;
    },
    forgetPending: () => pending.clear(),
    get: (id) => store.get(id),
    list: (filter) => store.list(filter),
    openIncidents: () => openCache,
    openCount: () => openCache.length,
    async refresh() {
      openCache = await store.openIncidents();
    },
    async createManual(input) {
      const config = deps.config();
      const known = new Set(config.components.map((c) => c.name));
      input.components.forEach((name, i) => {
        if (!known.has(name)) throw new BadRequestError(`components.${i}: unknown component "${name}"`);
      });
      const names = [...new Set(input.components)];
      const downstream = transitiveDependents(new Map(config.components.map((c) => [c.name, c.dependsOn])));
      const blast = new Set<string>();
      for (const n of names) for (const d of downstream.get(n) ?? []) blast.add(d);
      for (const n of names) blast.delete(n);
      let id = 0;
      await write(async () => {
        id = await store.createManual({
          title: input.title, components: names, blastRadius: [...blast].sort(), severity: input.severity ?? 'major',
          ...(input.text ? { text: input.text } : {}), author: input.author, at: now(),
        });
      });
      logger.info({ incident: formatId(id), components: names }, 'manual incident opened');
      return announce(id, 'opened');
    },
    async addUpdate(id, input) {
      await write(async () => {
        await mustBeOpen(id);
        await store.addUpdate(id, { ...input, at: now() });
      });
      return announce(id, 'updated');
    },
    async noted(id) {
      try {
        if (await store.get(id)) await announce(id, 'updated');
      } catch (e) {
        // The note committed with the caller's write: only its announcement is lost (as a snapshot's).
        logger.error({ incident: formatId(id), err: (e as Error).message }, 'incident note recorded, but reading it back failed');
      }
    },
    async resolve(id, input) {
      await write(async () => {
        await mustBeOpen(id);
        await store.resolve(id, { ...input, at: now() });
      });
      logger.info({ incident: formatId(id) }, 'incident resolved');
      return announce(id, 'resolved');
    },
  };
}
