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
  onSnapshot(snapshot: Snapshot, changes: readonly StateChange[]): void;
  get(id: number): IncidentWithTimeline | undefined;
  list(filter?: { state?: 'open' | 'resolved'; limit?: number }): Incident[];
  openCount(): number;
  createManual(input: { title: string; components: readonly string[]; severity?: Severity; text?: string; author: string }): IncidentWithTimeline;
  addUpdate(id: number, input: { text: string; status?: UpdateStatus; author: string }): IncidentWithTimeline;
  resolve(id: number, input: { text?: string; author: string }): IncidentWithTimeline;
  /**
   * Announces a change another part wrote to the store in its own transaction (publishing to an
   * audience page notes it in the incident): the SSE event, and the sinks' outbox is woken.
   */
  noted(id: number): void;
}

/** Events carry the incident without its timeline: clients fetch that when they need it. */
function eventJson(inc: IncidentWithTimeline) {
  const { timeline: _timeline, ...bare } = inc;
  return incidentJson(bare);
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { store, logger, now } = deps;
  let previous: ReadonlyMap<string, State> = new Map<string, State>();

  const announce = (id: number, change: IncidentEvent['change']): IncidentWithTimeline => {
    const inc = store.get(id)!;
    deps.publish({ change, incident: eventJson(inc) });
    deps.onChange();
    return inc;
  };

  const mustGet = (id: number): IncidentWithTimeline => {
    const inc = store.get(id);
    if (!inc) throw new NotFoundError(`no incident ${formatId(id)}`);
    return inc;
  };
  const mustBeOpen = (id: number): IncidentWithTimeline => {
    const inc = mustGet(id);
    if (inc.resolvedAt !== null) throw new ConflictError(`${formatId(id)} is already resolved`);
    return inc;
  };

  /**
   * decide's `recorded`: each open incident's timeline is read at most once per snapshot, and only
   * for a component seen for the first time since the start (a handful of calls after a start).
   */
  const recordedStates = () => {
    const read = new Map<number, Map<string, State>>();
    return (id: number, component: string): State | undefined => {
      let last = read.get(id);
      if (!last) {
        last = new Map();
        for (const e of store.get(id)?.timeline ?? []) if (e.component !== undefined && e.to !== undefined) last.set(e.component, e.to);
        read.set(id, last);
      }
      return last.get(component);
    };
  };

  const pending = pendingQueue();
  const failures = failureLog(logger, now);

  /** Applies one snapshot's decisions in one transaction; false (logged) when that failed. */
  const record = (snapshot: Snapshot, changes: readonly StateChange[]): boolean => {
    const open = store.openIncidents();
    const openBefore = new Set(open.map((i) => i.id));
    const { actions, states } = decide({ open, snapshot, changes, previous, recorded: recordedStates() });
    let touched: number[];
    try {
      touched = store.apply(actions, now());
    } catch (e) {
      // Nothing was written (one transaction) and `previous` stays: the snapshot is tried again.
      failures.failed(e, snapshot.seq, pending.size);
      return false;
    }
    previous = states;
    for (const id of touched) {
      const inc = store.get(id)!;
      const change = !openBefore.has(id) ? 'opened' : inc.resolvedAt !== null ? 'resolved' : 'updated';
      if (change !== 'updated') {
        logger.info({ incident: formatId(id), rootCause: inc.rootCause, components: inc.components }, `incident ${change}`);
      }
      deps.publish({ change, incident: eventJson(inc) });
    }
    if (touched.length) deps.onChange();
    return true;
  };

  /** A manual write; a full or read-only disk becomes its 507/503 with words for the caller. */
  const write = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw storageError(e, 'the incident') ?? e;
    }
  };

  return {
    onSnapshot(snapshot, changes) {
      pending.push(snapshot, changes);
      // Oldest first, each with its own timestamps; stop at the first that cannot be recorded.
      for (let p = pending.head(); p; p = pending.head()) {
        if (!record(p.snapshot, p.changes)) return;
        pending.shift();
      }
      failures.recovered();
    },
    get: (id) => store.get(id),
    list: (filter) => store.list(filter),
    openCount: () => store.openCount(),
    createManual(input) {
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
      const id = write(() => store.createManual({
        title: input.title, components: names, blastRadius: [...blast].sort(), severity: input.severity ?? 'major',
        ...(input.text ? { text: input.text } : {}), author: input.author, at: now(),
      }));
      logger.info({ incident: formatId(id), components: names }, 'manual incident opened');
      return announce(id, 'opened');
    },
    addUpdate(id, input) {
      mustBeOpen(id);
      write(() => store.addUpdate(id, { ...input, at: now() }));
      return announce(id, 'updated');
    },
    noted(id) {
      if (store.get(id)) announce(id, 'updated');
    },
    resolve(id, input) {
      mustBeOpen(id);
      write(() => store.resolve(id, { ...input, at: now() }));
      logger.info({ incident: formatId(id) }, 'incident resolved');
      return announce(id, 'resolved');
    },
  };
}
