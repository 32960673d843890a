/*
 * The SSE hub behind GET /api/v1/events. A new client gets the whole picture once (event
 * `snapshot`), or, when it names a version it already holds (`Last-Event-ID`, or `?since=`), only
 * what changed since (event `diff`); after that every client gets `diff` events with the components
 * that changed, and every incident change (event `incident`). At 10,000 components a full snapshot
 * is ~7 MB of JSON; one second of probe results (~333 components at 30 s) is ~3 % of it.
 */
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { ComponentStatus, Snapshot } from '../engine/snapshot.js';
import type { IncidentPublisher } from '../incidents/events.js';
import { createStreamTracker, type Changes } from './stream-versions.js';

export interface EventHubOptions {
  /** Turns a snapshot into the JSON sent to clients (the app sends the /api/v1/components view). */
  readonly serializeSnapshot: (snapshot: Snapshot) => object;
  /** One component as in the snapshot view: what a `diff` event carries for each changed one. */
  readonly serializeComponent: (component: ComponentStatus) => unknown;
  /** The process's stream epoch (tests fix it); random by default. */
  readonly epoch?: string;
  /** Removed component names remembered for resyncs; an older `since` gets a full snapshot. */
  readonly maxRemovals?: number;
  /** Comment line sent this often so proxies keep idle streams open. */
  readonly heartbeatMs?: number;
  /** A client this far behind (bytes queued in its socket) is dropped rather than buffered without end. */
  readonly maxBufferedBytes?: number;
  /**
   * Snapshots that change no state, impact or maintenance (only fresh latencies) are sent at
   * most this often; a change of state is sent at once.
   */
  readonly minSnapshotIntervalMs?: number;
}

/** What a viewer must see at once when it changes: states, impact, maintenance. */
function visibleKey(s: Snapshot): string {
  let key = '';
  for (const c of s.components) key += `${c.state}|${c.rootCauses.join(',')}|${c.affectedBy.map((a) => a.rootCause).join(',')}|${c.maintenance ? 1 : 0};`;
  return key;
}

export interface EventHub extends IncidentPublisher {
  publishSnapshot(snapshot: Snapshot): void;
  /** `<epoch>.<seq>` of a snapshot: what GET /api/v1/components calls its `version`. */
  versionOf(snapshot: Snapshot): string;
  /** Express handler for the stream; mount behind the read auth. */
  readonly handler: RequestHandler;
  clientCount(): number;
  /** Ends every stream and stops the heartbeat. */
  close(): void;
}

interface Client {
  readonly res: Response;
}

export function createEventHub(options: EventHubOptions): EventHub {
  const { serializeSnapshot, serializeComponent } = options;
  const tracker = createStreamTracker(options.epoch ?? randomBytes(6).toString('base64url'), options.maxRemovals);
  const maxBuffered = options.maxBufferedBytes ?? 1_000_000;
  const clients = new Set<Client>();
  let lastSnapshot: Snapshot | undefined;
  let lastSnapshotFrame: string | undefined;
  /** The seq of the last diff sent to every client: the next one counts changes after it. */
  let lastBroadcast = 0;
  let closed = false;
  const minInterval = options.minSnapshotIntervalMs ?? 1_000;
  let lastSentAt = 0;
  let lastSentKey = '';
  let trailing: NodeJS.Timeout | undefined;

  // JSON.stringify never emits raw newlines, so one data line per event is safe. The id is the
  // version the client holds after the event; EventSource sends it back as Last-Event-ID.
  const frame = (event: string, data: unknown, id?: string): string =>
    `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

  const diffFrame = (ch: Changes, s: Snapshot): string => frame('diff', {
    version: tracker.version(ch.seq), since: tracker.version(ch.since), seq: ch.seq,
    generatedAt: new Date(s.at).toISOString(), cyclesCompleted: s.cyclesCompleted,
    components: ch.changed.map(serializeComponent), removed: ch.removed,
  }, tracker.version(ch.seq));

  const drop = (c: Client): void => {
    clients.delete(c);
    c.res.end();
  };

  // A client this far behind is dropped; its EventSource reconnects with Last-Event-ID and gets
  // what it missed as one diff (or a full snapshot when that is too old).
  const send = (c: Client, text: string): void => {
    if (c.res.writableLength > maxBuffered) {
      drop(c);
      return;
    }
    c.res.write(text);
  };

  // Serialised on demand: with no client connected, a snapshot of 10,000 components must not be
  // turned into megabytes of JSON several times per cycle for nobody.
  const snapshotFrame = (): string | undefined => {
    if (lastSnapshotFrame === undefined && lastSnapshot !== undefined) {
      lastSnapshotFrame = frame('snapshot', { ...serializeSnapshot(lastSnapshot), version: tracker.version(lastSnapshot.seq) }, tracker.version(lastSnapshot.seq));
    }
    return lastSnapshotFrame;
  };

  /** The first frame of a connection: the changes since the version it holds, or everything. */
  const firstFrame = (req: Request): string | undefined => {
    if (!lastSnapshot) return undefined;
    tracker.update(lastSnapshot);
    // The first client after none: the next broadcast counts from here, not from an idle hour ago.
    if (clients.size === 1) lastBroadcast = tracker.current();
    const header = req.get('last-event-id');
    const query = typeof req.query.since === 'string' ? req.query.since : undefined;
    const since = tracker.parse(header ?? query);
    const changes = since === undefined ? undefined : tracker.since(since);
    return changes ? diffFrame(changes, lastSnapshot) : snapshotFrame();
  };

  const broadcast = (text: string): void => {
    for (const c of [...clients]) send(c, text);
  };

  const heartbeat = setInterval(() => broadcast(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const handler: RequestHandler = (req: Request, res: Response) => {
    if (closed) {
      res.status(503).json({ error: 'shutting down' });
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // Tell nginx-style proxies not to buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const client: Client = { res };
    clients.add(client);
    res.write('retry: 3000\n\n');
    const first = firstFrame(req);
    if (first) res.write(first);
    req.on('close', () => clients.delete(client));
  };

  const flush = (): void => {
    clearTimeout(trailing);
    trailing = undefined;
    const s = lastSnapshot!;
    lastSentAt = Date.now();
    lastSentKey = visibleKey(s);
    tracker.update(s);
    // Every connected client holds lastBroadcast or newer (a newer one joined since): the
    // changes after it cover them all; a client re-applying a component it has is harmless.
    const changes = tracker.since(lastBroadcast);
    lastBroadcast = tracker.current();
    // Too old to tell (more removals than remembered): everyone gets the whole picture again.
    if (!changes) broadcast(snapshotFrame()!);
    else if (changes.changed.length || changes.removed.length) broadcast(diffFrame(changes, s));
  };

  return {
    publishSnapshot(snapshot) {
      lastSnapshot = snapshot;
      lastSnapshotFrame = undefined;
      // Tracked from the first snapshot on, viewers or not (an identity walk: ~0.1 ms at 10,000),
      // so a page that read /api/v1/components before anyone else connected still gets a diff.
      tracker.update(snapshot);
      if (clients.size === 0 || closed) return;
      const key = visibleKey(snapshot);
      if (key !== lastSentKey || Date.now() - lastSentAt >= minInterval) flush();
      else trailing ??= setTimeout(flush, lastSentAt + minInterval - Date.now());
    },
    versionOf: (snapshot) => tracker.version(snapshot.seq),
    publishIncident(event) {
      broadcast(frame('incident', event));
    },
    handler,
    clientCount: () => clients.size,
    close() {
      closed = true;
      clearTimeout(trailing);
      clearInterval(heartbeat);
      for (const c of [...clients]) drop(c);
    },
  };
}
