/*
 * The contract every incident store backend passes: SQLite (sqlite-store.test.ts) and PostgreSQL
 * (postgres-store.test.ts), one call of this function each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IncidentStateError, type IncidentStore } from '../../src/incidents/store.js';
import type { Action } from '../../src/incidents/types.js';

export interface StoreUnderTest {
  readonly store: IncidentStore;
  /** Closes `store` and opens the same data again (a restart), with the same sinks. */
  reopen(): Promise<IncidentStore>;
  /** Closes whatever is open and deletes the data. */
  destroy(): Promise<void>;
}

/** Opens an empty store whose enabled sinks are `sinks`. */
export type StoreFactory = (sinks: readonly string[]) => Promise<StoreUnderTest>;

const T0 = Date.UTC(2026, 10, 21, 7, 0, 0);
const SYS = 'statusgraph';

const openDb: Action = {
  type: 'open', rootCause: 'db', title: 'db: Major outage', severity: 'critical', components: ['api', 'db'], blastRadius: ['api'],
  tookDown: ['db'], at: T0, entry: { at: T0, kind: 'opened', author: SYS, text: 'db down', component: 'db', to: 'major_outage' },
};
const manual = (store: IncidentStore, title = 'Checkout slow', at = T0) =>
  store.createManual({ title, components: ['web'], blastRadius: ['edge'], severity: 'minor', author: 'api', at });

export function describeIncidentStoreContract(name: string, factory: StoreFactory): void {
  describe(`incident store contract: ${name}`, () => {
    const open: StoreUnderTest[] = [];
    afterEach(async () => { for (const s of open.splice(0)) await s.destroy(); });
    const fresh = async (sinks: readonly string[] = ['a', 'b']) => {
      const s = await factory(sinks);
      open.push(s);
      return s;
    };

    it('keeps incidents with their timelines, lists them newest first and by state', async () => {
      const { store } = await fresh();
      const m = await manual(store);
      await store.apply([openDb], T0 + 1000);
      expect(await store.openCount()).toBe(2);
      expect((await store.list()).map((i) => i.title)).toEqual(['db: Major outage', 'Checkout slow']);
      await store.resolve(m, { author: 'api', at: T0 + 2000 });
      expect((await store.list({ state: 'open' })).map((i) => i.rootCause)).toEqual(['db']);
      expect((await store.list({ state: 'resolved' })).map((i) => i.id)).toEqual([m]);
      expect((await store.list({ limit: 1 }))).toHaveLength(1);
      const inc = (await store.get(m))!;
      expect(inc).toMatchObject({ source: 'manual', status: 'resolved', severity: 'minor', components: ['edge', 'web'], blastRadius: ['edge'], resolvedAt: T0 + 2000 });
      expect(inc.timeline.map((e) => e.kind)).toEqual(['opened', 'resolved']);
      expect(await store.get(9999)).toBeUndefined();
      expect((await store.openIncidents()).map((i) => i.rootCause)).toEqual(['db']);
    });

    it('logs one change per incident per transaction, with the entries it wrote', async () => {
      const { store } = await fresh();
      await store.apply([openDb], T0);
      await store.apply([
        { type: 'join', ref: { root: 'db' }, component: 'api', blastRadius: [], entry: { at: T0 + 1, kind: 'state_change', author: SYS, text: 'api down', component: 'api' } },
        { type: 'severity', ref: { root: 'db' }, severity: 'critical', entry: { at: T0 + 2, kind: 'severity', author: SYS, text: 'raised' } },
      ], T0 + 10);
      await store.apply([{ type: 'resolve', ref: { id: 1 }, at: T0 + 20, entry: { at: T0 + 20, kind: 'resolved', author: SYS, text: 'ok', status: 'resolved' } }], T0 + 20);
      const changes = await store.changes(1);
      expect(changes.map((c) => [c.kind, c.at, c.entries.map((e) => e.text)])).toEqual([
        ['opened', T0, ['db down']], ['updated', T0 + 10, ['api down', 'raised']], ['resolved', T0 + 20, ['ok']],
      ]);
      expect(changes[0]!.seq).toBeLessThan(changes[1]!.seq);
      expect(changes[1]!.seq).toBeLessThan(changes[2]!.seq);
    });

    it('writes nothing, not even a change or a queued delivery, when a transaction fails', async () => {
      const { store } = await fresh();
      const bad: Action = { type: 'entry', ref: { id: 99 }, entry: { at: T0, kind: 'state_change', author: SYS, text: 'x' } };
      await expect(store.apply([openDb, bad], T0)).rejects.toThrow(/names no incident/);
      const id = await manual(store);
      await store.resolve(id, { author: 'api', at: T0 + 1 });
      const queued = (await store.outbox()).length;
      await expect(store.addUpdate(id, { text: 'more', author: 'api', at: T0 + 2 })).rejects.toThrow(/resolved/);
      await expect(store.resolve(id, { author: 'api', at: T0 + 2 })).rejects.toThrow(/resolved/);
      expect(await store.list()).toHaveLength(1);
      expect((await store.changes(id)).map((c) => c.kind)).toEqual(['opened', 'resolved']);
      expect(await store.outbox()).toHaveLength(queued);
    });

    it('queues every change once for each enabled sink and for no other', async () => {
      const { store } = await fresh(['a', 'b']);
      const id = await manual(store);
      await store.addUpdate(id, { text: 'looking', author: 'api', at: T0 + 5 });
      const rows = await store.outbox();
      expect(rows.map((r) => [r.sink, r.incidentId, r.state, r.attempts, r.nextAttemptAt])).toEqual([
        ['a', id, 'pending', 0, T0 + 5], ['b', id, 'pending', 0, T0 + 5], ['a', id, 'pending', 0, T0 + 5], ['b', id, 'pending', 0, T0 + 5],
      ]);
      expect((await store.outbox({ sink: 'a' })).map((r) => r.seq)).toEqual((await store.changes(id)).map((c) => c.seq));
      expect(await store.dueDeliveries('c', { coalesce: false, now: T0 + 10 })).toEqual([]);
      expect(await store.nextDeliveryAt('c')).toBeUndefined();
    });

    it('hands out one incident\'s changes in order, one at a time, with the incident as it is now', async () => {
      const { store } = await fresh(['a']);
      const x = await manual(store, 'X');
      const y = await manual(store, 'Y', T0 + 1);
      await store.addUpdate(x, { text: 'x1', author: 'api', at: T0 + 2 });
      // Earliest due first: X's update made its whole queue due at T0+2, after Y's at T0+1.
      const first = await store.dueDeliveries('a', { coalesce: false, now: T0 + 10 });
      expect(first.map((d) => [d.incidentId, d.change.kind])).toEqual([[y, 'opened'], [x, 'opened']]);
      expect(first[1]!.incident.updatedAt).toBe(T0 + 2);
      expect(first[1]!).toMatchObject({ attempts: 0, sentAt: null, remote: { ref: null, sentAt: null } });
      await store.delivered(first[1]!, 'x-ref');
      const next = await store.dueDeliveries('a', { coalesce: false, now: T0 + 10 });
      expect(next.map((d) => [d.incidentId, d.change.kind, d.change.entries.map((e) => e.text), d.remote.ref])).toEqual([
        [y, 'opened', ['Opened: Y'], null], [x, 'updated', ['x1'], 'x-ref'],
      ]);
      expect(await store.dueDeliveries('a', { coalesce: false, now: T0 + 10, limit: 1 })).toHaveLength(1);
    });

    it('coalesces: the newest pending change stands for the older ones', async () => {
      const { store } = await fresh(['a']);
      const x = await manual(store);
      await store.addUpdate(x, { text: 'x1', author: 'api', at: T0 + 1 });
      await store.resolve(x, { author: 'api', at: T0 + 2 });
      const [d, ...rest] = await store.dueDeliveries('a', { coalesce: true, now: T0 + 10 });
      expect(rest).toEqual([]);
      expect([d!.change.kind, d!.incident.status]).toEqual(['resolved', 'resolved']);
      await store.delivered(d!, '7');
      expect(await store.outbox()).toEqual([]);
      expect(await store.nextDeliveryAt('a')).toBeUndefined();
      expect(await store.remoteState('a', x)).toEqual({ ref: '7', sentAt: null });
    });

    it('retries later as one queue per incident; a new change makes it due again at once, backoff restarted', async () => {
      const { store } = await fresh(['a']);
      const x = await manual(store);
      const [d] = await store.dueDeliveries('a', { coalesce: false, now: T0 });
      await store.retryLater(d!, 'HTTP 503', T0 + 1000);
      expect(await store.dueDeliveries('a', { coalesce: false, now: T0 + 999 })).toEqual([]);
      expect(await store.nextDeliveryAt('a')).toBe(T0 + 1000);
      const [again] = await store.dueDeliveries('a', { coalesce: false, now: T0 + 1000 });
      expect([again!.seq, again!.attempts]).toEqual([d!.seq, 1]);
      expect((await store.outbox())[0]!.lastError).toBe('HTTP 503');
      await store.retryLater(again!, 'HTTP 503', T0 + 5000);
      await store.addUpdate(x, { text: 'x1', author: 'api', at: T0 + 1100 });
      const [now] = await store.dueDeliveries('a', { coalesce: false, now: T0 + 1100 });
      expect([now!.seq, now!.attempts]).toEqual([d!.seq, 0]);
    });

    it('keeps a permanently failed change for inspection, and goes on with the next one', async () => {
      const { store } = await fresh(['a']);
      const x = await manual(store);
      await store.addUpdate(x, { text: 'x1', author: 'api', at: T0 + 1 });
      const [d] = await store.dueDeliveries('a', { coalesce: false, now: T0 + 5 });
      await store.failed(d!, 'HTTP 400 bad payload');
      const [, later] = await store.changes(x);
      expect((await store.outbox()).map((r) => [r.seq, r.state, r.lastError])).toEqual([
        [d!.seq, 'failed', 'HTTP 400 bad payload'], [later!.seq, 'pending', null],
      ]);
      const [next] = await store.dueDeliveries('a', { coalesce: false, now: T0 + 5 });
      expect(next!.change.kind).toBe('updated');
    });

    it('remembers "sent" before the answer, per delivery and per incident, and the remote ref', async () => {
      const { store } = await fresh(['a', 'b']);
      const x = await manual(store);
      const [d] = await store.dueDeliveries('a', { coalesce: false, now: T0 });
      await store.markSent(d!, T0 + 1);
      await store.markSent(d!, T0 + 2); // the first time counts
      await store.retryLater(d!, 'timed out', T0 + 3);
      const [again] = await store.dueDeliveries('a', { coalesce: false, now: T0 + 3 });
      expect([again!.sentAt, again!.remote]).toEqual([T0 + 1, { ref: null, sentAt: T0 + 1 }]);
      expect(await store.remoteState('b', x)).toEqual({ ref: null, sentAt: null });
      await store.delivered(again!, 'r1');
      expect(await store.remoteState('a', x)).toEqual({ ref: 'r1', sentAt: T0 + 1 });
      await store.addUpdate(x, { text: 'x1', author: 'api', at: T0 + 4 });
      const [upd] = await store.dueDeliveries('a', { coalesce: false, now: T0 + 4 });
      expect([upd!.sentAt, upd!.remote.ref]).toEqual([null, 'r1']);
      await store.delivered(upd!, 'r2');
      expect((await store.remoteState('a', x)).ref).toBe('r2');
    });

    it('keeps incidents, the queue, attempts and remote state across a restart', async () => {
      const s = await fresh(['a']);
      const x = await manual(s.store);
      await s.store.apply([openDb], T0 + 1);
      const [d] = await s.store.dueDeliveries('a', { coalesce: false, now: T0 + 2 });
      await s.store.markSent(d!, T0 + 2);
      await s.store.retryLater(d!, 'lost', T0 + 3);
      const before = await s.store.outbox();
      const store = await s.reopen();
      expect((await store.list()).map((i) => i.id).sort()).toEqual([x, 2]);
      expect((await store.get(x))!.timeline).toHaveLength(1);
      expect(await store.outbox()).toEqual(before);
      expect(await store.remoteState('a', x)).toEqual({ ref: null, sentAt: T0 + 2 });
      const again = (await store.dueDeliveries('a', { coalesce: false, now: T0 + 3 })).find((e) => e.incidentId === d!.incidentId);
      expect([again!.seq, again!.attempts, again!.sentAt]).toEqual([d!.seq, 1, T0 + 2]);
      // Ids and change numbers go on from where they were: nothing is reused.
      const y = await manual(store, 'after restart', T0 + 4);
      expect(y).toBeGreaterThan(2);
      expect((await store.changes(y))[0]!.seq).toBeGreaterThan(Math.max(...before.map((r) => r.seq)));
    });

    it('keeps public incidents with their updates in order, by page and internal incident, across a restart', async () => {
      const s = await fresh(['a']);
      const x = await manual(s.store);
      const upd = (id: string, status: 'investigating' | 'identified' | 'monitoring' | 'resolved', at: number) => ({ id, status, body: `${status} body`, at });
      await s.store.publish({ id: 'pub1', page: 'public', incidentId: x, title: 'Checkout errors', impact: 'major', components: ['checkout'], update: upd('u1', 'investigating', T0 + 1) });
      await s.store.publish({ id: 'pub2', page: 'partners', incidentId: x, title: 'API errors', impact: 'minor', components: ['api'], update: upd('u2', 'investigating', T0 + 2) });
      await s.store.publish({ id: 'auto1', page: 'public', incidentId: null, title: 'Search: outage', impact: 'critical', components: ['find'], update: upd('u3', 'investigating', T0 + 3) });
      // Published once per page: a second publication of the same incident to the same page is refused.
      await expect(s.store.publish({ id: 'pub3', page: 'public', incidentId: x, title: 'again', impact: 'minor', components: [], update: upd('u4', 'investigating', T0 + 4) })).rejects.toThrow();
      expect(await s.store.getPublic('pub3')).toBeUndefined();
      await s.store.addPublicUpdate('pub1', upd('u5', 'identified', T0 + 5));
      await s.store.addPublicUpdate('pub1', upd('u6', 'resolved', T0 + 6));
      await expect(s.store.addPublicUpdate('pub1', upd('u7', 'monitoring', T0 + 7))).rejects.toThrow(IncidentStateError);
      await expect(s.store.addPublicUpdate('nope', upd('u8', 'monitoring', T0 + 7))).rejects.toThrow(IncidentStateError);
      const store = await s.reopen();
      const p = (await store.getPublic('pub1'))!;
      expect(p).toMatchObject({ page: 'public', incidentId: x, title: 'Checkout errors', impact: 'major', status: 'resolved', components: ['checkout'], createdAt: T0 + 1, updatedAt: T0 + 6, resolvedAt: T0 + 6 });
      expect(p.updates.map((u) => [u.id, u.status, u.at])).toEqual([['u1', 'investigating', T0 + 1], ['u5', 'identified', T0 + 5], ['u6', 'resolved', T0 + 6]]);
      expect((await store.listPublic({ page: 'public' })).map((i) => i.id)).toEqual(['auto1', 'pub1']);
      expect((await store.listPublic({ incidentId: x })).map((i) => i.id)).toEqual(['pub2', 'pub1']);
      expect((await store.listPublic({ state: 'open' })).map((i) => i.id)).toEqual(['auto1', 'pub2']);
      expect((await store.listPublic({ page: 'public', state: 'resolved' })).map((i) => i.id)).toEqual(['pub1']);
      expect(await store.listPublic({ limit: 1 })).toHaveLength(1);
    });

    it('notes what customers were told in the internal incident, in the same write: a timeline entry, a change, a queued delivery; resolved or not', async () => {
      const s = await fresh(['a']);
      const x = await manual(s.store);
      const upd = (id: string, status: 'investigating' | 'resolved', at: number) => ({ id, status, body: `${status} body`, at });
      const before = (await s.store.changes(x)).length;
      await s.store.publish({ id: 'pub1', page: 'public', incidentId: x, title: 'Checkout errors', impact: 'major', components: [], update: upd('u1', 'investigating', T0 + 1), note: { text: 'Published: told', author: '@erin' } });
      await s.store.resolve(x, { author: 'api', at: T0 + 2 });
      await s.store.addPublicUpdate('pub1', upd('u2', 'resolved', T0 + 3), { text: 'Public update: fixed', author: 'api' });
      // A refused public write notes nothing.
      await expect(async () => s.store.addPublicUpdate('pub1', upd('u3', 'resolved', T0 + 4), { text: 'never', author: 'api' })).rejects.toThrow(IncidentStateError);
      const store = await s.reopen();
      const inc = (await store.get(x))!;
      expect(inc.timeline.filter((e) => e.kind === 'public').map((e) => [e.at, e.author, e.text])).toEqual([[T0 + 1, '@erin', 'Published: told'], [T0 + 3, 'api', 'Public update: fixed']]);
      const log = await store.changes(x);
      expect(log).toHaveLength(before + 3);
      expect(log.filter((c) => c.entries.some((e) => e.kind === 'public')).map((c) => [c.kind, c.at])).toEqual([['updated', T0 + 1], ['updated', T0 + 3]]);
      const queued = (await store.outbox({ sink: 'a' })).filter((r) => r.incidentId === x).map((r) => r.seq);
      expect(queued).toEqual(log.map((c) => c.seq));
    });
  });
}
