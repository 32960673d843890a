import { describe, expect, it } from 'vitest';
import { decide } from '../../src/incidents/decide.js';
import type { Action, Incident } from '../../src/incidents/types.js';
import type { Snapshot } from '../../src/engine/snapshot.js';
import type { State } from '@statusgraph/core';
import { CHAIN, changesBetween, snapshot } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 21, 7, 0, 0);

function openFrom(action: Action, id: number): Incident {
  if (action.type !== 'open') throw new Error('not an open action');
  return {
    id, title: action.title, source: 'auto', rootCause: action.rootCause, severity: action.severity, status: 'investigating',
    components: action.components, blastRadius: action.blastRadius, tookDown: action.tookDown,
    startedAt: action.at, resolvedAt: null, updatedAt: action.at,
  };
}

/** Runs snapshots through decide, keeping open incidents the way the store would. */
function run(steps: Array<Record<string, State>>) {
  let open: Incident[] = [];
  let previous: ReadonlyMap<string, State> = new Map<string, State>();
  let before: Snapshot | undefined;
  const perStep: Action[][] = [];
  let nextId = 1;
  steps.forEach((states, i) => {
    const snap = snapshot(CHAIN, states, { seq: i + 1, at: T0 + i * 1000 });
    const out = decide({ open, snapshot: snap, changes: changesBetween(before, snap), previous });
    perStep.push(out.actions);
    for (const a of out.actions) {
      if (a.type === 'open') open.push(openFrom(a, nextId++));
      if (a.type === 'join') {
        const inc = open.find((o) => ('id' in a.ref ? o.id === a.ref.id : o.rootCause === a.ref.root))!;
        open = open.map((o) => (o === inc ? { ...o, tookDown: [...o.tookDown, a.component].sort() } : o));
      }
      if (a.type === 'resolve') open = open.filter((o) => !('id' in a.ref ? o.id === a.ref.id : o.rootCause === a.ref.root));
    }
    previous = out.states;
    before = snap;
  });
  return { perStep, open };
}

describe('decide', () => {
  it('opens one incident for a root cause with every transitive dependent as blast radius', () => {
    const { perStep } = run([{}, { db: 'major_outage' }]);
    const opens = perStep[1]!.filter((a) => a.type === 'open');
    expect(opens).toHaveLength(1);
    const o = opens[0]!;
    if (o.type !== 'open') throw new Error();
    expect(o.rootCause).toBe('db');
    expect(o.blastRadius).toEqual(['api', 'web']);
    expect(o.components).toEqual(['api', 'db', 'web']);
    expect(o.severity).toBe('critical');
    expect(o.tookDown).toEqual(['db']);
    expect(perStep[0]).toEqual([]);
  });

  it('lets dependents that go down join the root cause incident instead of opening their own', () => {
    const { perStep, open } = run([{}, { db: 'major_outage' }, { db: 'major_outage', api: 'major_outage', web: 'major_outage' }]);
    expect(perStep[2]!.filter((a) => a.type === 'open')).toEqual([]);
    expect(perStep[2]!.filter((a) => a.type === 'join').map((a) => (a.type === 'join' ? a.component : ''))).toEqual(['api', 'web']);
    expect(open).toHaveLength(1);
    expect(open[0]!.tookDown).toEqual(['api', 'db', 'web']);
  });

  it('records a timeline entry for every state change of an affected component and none for others', () => {
    const { perStep } = run([{}, { db: 'major_outage' }, { db: 'major_outage', api: 'degraded', mail: 'major_outage' }]);
    const entries = perStep[2]!.filter((a) => a.type === 'entry').map((a) => (a.type === 'entry' ? [('id' in a.ref ? a.ref.id : a.ref.root), a.entry.component, a.entry.to] : []));
    // api belongs to db's incident; mail opens its own and its change lands there only.
    expect(entries).toEqual([[1, 'api', 'degraded'], ['mail', 'mail', 'major_outage']]);
  });

  it('resolves only when the root cause and every component it took down have recovered', () => {
    const down = { db: 'major_outage', api: 'major_outage' } as const;
    const { perStep, open } = run([{}, down, { api: 'major_outage' }, { api: 'degraded' }]);
    expect(perStep[2]!.some((a) => a.type === 'resolve')).toBe(false);
    const resolves = perStep[3]!.filter((a) => a.type === 'resolve');
    expect(resolves).toHaveLength(1);
    if (resolves[0]!.type !== 'resolve') throw new Error();
    expect(resolves[0]!.at).toBe(T0 + 3000);
    expect(resolves[0]!.entry.text).toContain('after 2s');
    expect(open).toEqual([]);
  });

  it('keys an incident opened by a dependent by the root cause, and raises severity when the root goes down', () => {
    const { perStep, open } = run([{}, { db: 'partial_outage', api: 'major_outage' }, { db: 'major_outage', api: 'major_outage' }]);
    const o = perStep[1]!.find((a) => a.type === 'open');
    if (o?.type !== 'open') throw new Error('expected an open');
    expect(o.rootCause).toBe('db');
    expect(o.severity).toBe('major');
    expect(perStep[2]!.filter((a) => a.type === 'open')).toEqual([]);
    expect(perStep[2]!.find((a) => a.type === 'severity')).toMatchObject({ severity: 'critical' });
    expect(open[0]!.tookDown).toEqual(['api', 'db']);
  });

  it('re-attaches to a stored incident after a restart (no previous states) instead of opening another', () => {
    const stored: Incident = {
      id: 7, title: 'db: Major outage', source: 'auto', rootCause: 'db', severity: 'critical', status: 'investigating',
      components: ['api', 'db', 'web'], blastRadius: ['api', 'web'], tookDown: ['db', 'web'], startedAt: T0, resolvedAt: null, updatedAt: T0,
    };
    const snap = snapshot(CHAIN, { db: 'major_outage', web: 'major_outage' }, { at: T0 + 60_000 });
    // The fresh monitor starts from operational, so it reports db "operational -> major" again.
    const changes = [{ component: 'db', from: 'operational' as const, to: 'major_outage' as const, rootCauses: [], at: snap.at, reason: 'refused' }];
    const out = decide({ open: [stored], snapshot: snap, changes, previous: new Map() });
    expect(out.actions.filter((a) => a.type === 'open' || a.type === 'resolve')).toEqual([]);
    expect(out.actions.filter((a) => a.type === 'join')).toEqual([]);
    const entries = out.actions.filter((a) => a.type === 'entry').map((a) => (a.type === 'entry' ? a.entry : undefined));
    expect(entries).toEqual([expect.objectContaining({ component: 'db', to: 'major_outage', text: 'db: Major outage at the first check after statusgraph started (refused)' })]);
    expect(entries[0]).not.toHaveProperty('from');
  });

  it('writes nothing when a restart finds the state the incident already recorded, and the state when it differs', () => {
    const stored: Incident = {
      id: 7, title: 'db: Major outage', source: 'auto', rootCause: 'db', severity: 'critical', status: 'investigating',
      components: ['api', 'db', 'web'], blastRadius: ['api', 'web'], tookDown: ['db'], startedAt: T0, resolvedAt: null, updatedAt: T0,
    };
    const snap = snapshot(CHAIN, { db: 'major_outage', api: 'partial_outage' }, { at: T0 + 60_000 });
    const changes = [
      { component: 'db', from: 'operational' as const, to: 'major_outage' as const, rootCauses: [], at: snap.at, reason: 'refused' },
      { component: 'api', from: 'operational' as const, to: 'partial_outage' as const, rootCauses: ['db'], at: snap.at },
    ];
    const asked: string[] = [];
    // db was last recorded in major outage (the same: nothing to say); api in major outage (now partial: a change).
    const recorded = (id: number, component: string) => {
      asked.push(`${id}/${component}`);
      return id === 7 ? 'major_outage' as const : undefined;
    };
    const out = decide({ open: [stored], snapshot: snap, changes, previous: new Map(), recorded });
    const entries = out.actions.flatMap((a) => (a.type === 'entry' ? [a.entry] : []));
    expect(entries).toEqual([expect.objectContaining({ component: 'api', to: 'partial_outage', text: 'api: Partial outage at the first check after statusgraph started' })]);
    expect(asked.sort()).toEqual(['7/api', '7/db']);
    // A component the engine has seen since the start is never looked up: its change is news.
    asked.length = 0;
    const seen = decide({ open: [stored], snapshot: snap, changes: [{ ...changes[0]!, from: 'partial_outage' as const }], previous: new Map([['db', 'partial_outage']]), recorded });
    expect(seen.actions.flatMap((a) => (a.type === 'entry' ? [a.entry.text] : []))).toEqual(['db: Partial outage → Major outage (refused)']);
    expect(asked).toEqual([]);
  });

  it('ignores components whose probes have not all run yet, so a restart cannot resolve early', () => {
    const stored: Incident = {
      id: 3, title: 'db: Major outage', source: 'auto', rootCause: 'db', severity: 'critical', status: 'investigating',
      components: ['api', 'db', 'web'], blastRadius: ['api', 'web'], tookDown: ['db'], startedAt: T0, resolvedAt: null, updatedAt: T0,
    };
    const snap = snapshot(CHAIN, {}, { at: T0 + 5000, unchecked: ['db'] });
    const out = decide({ open: [stored], snapshot: snap, changes: [], previous: new Map() });
    expect(out.actions).toEqual([]);
    expect(out.states.has('db')).toBe(false);
  });

  it('never resolves a manual incident by itself', () => {
    const manual: Incident = {
      id: 4, title: 'Checkout slow', source: 'manual', rootCause: null, severity: 'major', status: 'identified',
      components: ['web'], blastRadius: [], tookDown: [], startedAt: T0, resolvedAt: null, updatedAt: T0,
    };
    const snap = snapshot(CHAIN, {}, { at: T0 + 5000 });
    expect(decide({ open: [manual], snapshot: snap, changes: [], previous: new Map() }).actions).toEqual([]);
  });

  it('does not open a second incident while the root stays down across cycles', () => {
    const { perStep } = run([{}, { db: 'major_outage' }, { db: 'major_outage' }, { db: 'major_outage' }]);
    expect(perStep.flat().filter((a) => a.type === 'open')).toHaveLength(1);
  });

  it('opens a new incident when the root goes down again after it resolved', () => {
    const { perStep } = run([{}, { db: 'major_outage' }, {}, { db: 'major_outage' }]);
    expect(perStep.map((s) => s.filter((a) => a.type === 'open' || a.type === 'resolve').map((a) => a.type))).toEqual([[], ['open'], ['resolve'], ['open']]);
  });
});

describe('decide before the first full picture', () => {
  it('waits until a component and its dependencies have been probed before deciding its root cause', () => {
    // web is down, db (its root cause) has not been probed yet: web must not open an incident of its own.
    const early = snapshot(CHAIN, { web: 'major_outage', api: 'major_outage' }, { at: T0, unchecked: ['db'] });
    const first = decide({ open: [], snapshot: early, changes: [], previous: new Map() });
    expect(first.actions).toEqual([]);
    expect(first.states.has('web')).toBe(false);
    const full = snapshot(CHAIN, { db: 'major_outage', web: 'major_outage', api: 'major_outage' }, { at: T0 + 1000 });
    const second = decide({ open: [], snapshot: full, changes: [], previous: first.states });
    const opens = second.actions.filter((a) => a.type === 'open');
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ rootCause: 'db', tookDown: ['db'] });
    expect(second.actions.filter((a) => a.type === 'join').map((a) => (a.type === 'join' ? a.component : ''))).toEqual(['api', 'web']);
  });
});

describe('decide when a dependent fails before its dependency is probed again', () => {
  it('waits for a dependency result newer than the failure, then opens one incident for the real root cause', () => {
    // api's round failed at T0+500; db's last result is from T0 (before), so api's root cause is unknown.
    const early = snapshot(CHAIN, { api: 'major_outage' }, { at: T0 + 500, since: { api: T0 + 500 }, probedAt: { db: T0, api: T0 + 500, web: T0 } });
    const first = decide({ open: [], snapshot: early, changes: [], previous: new Map([['db', 'operational'], ['api', 'operational'], ['web', 'operational']]) });
    expect(first.actions).toEqual([]);
    expect(first.states.get('api')).toBe('operational');
    // db's next round fails too: now api's root cause is db, and there is exactly one incident.
    const later = snapshot(CHAIN, { api: 'major_outage', db: 'major_outage' }, { at: T0 + 900, since: { api: T0 + 500, db: T0 + 900 }, probedAt: { db: T0 + 900, api: T0 + 500, web: T0 } });
    const second = decide({ open: [], snapshot: later, changes: [], previous: first.states });
    expect(second.actions.filter((a) => a.type === 'open')).toMatchObject([{ rootCause: 'db' }]);
    expect(second.actions.filter((a) => a.type === 'join')).toMatchObject([{ component: 'api' }]);
  });

  it('opens the dependent as its own root cause once its dependency is probed healthy after the failure', () => {
    const s = snapshot(CHAIN, { api: 'major_outage' }, { at: T0 + 900, since: { api: T0 + 500 }, probedAt: { db: T0 + 900, api: T0 + 500, web: T0 } });
    const out = decide({ open: [], snapshot: s, changes: [], previous: new Map() });
    expect(out.actions.filter((a) => a.type === 'open')).toMatchObject([{ rootCause: 'api', blastRadius: ['web'] }]);
  });
});
