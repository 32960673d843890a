/*
 * The SSE hub behind GET /api/v1/events: every snapshot (event `snapshot`) and every incident
 * change (event `incident`) goes to each connected client. A new client gets the latest snapshot
 * at once, so a page never waits a whole probe cycle for its first picture.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Snapshot } from '../engine/snapshot.js';
import type { IncidentPublisher } from '../incidents/events.js';

export interface EventHubOptions {
  /** Turns a snapshot into the JSON sent to clients (the app sends the /api/v1/components view). */
  readonly serializeSnapshot: (snapshot: Snapshot) => unknown;
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
  const serialize = options.serializeSnapshot;
  const maxBuffered = options.maxBufferedBytes ?? 1_000_000;
  const clients = new Set<Client>();
  let lastSnapshot: Snapshot | undefined;
  let lastSnapshotFrame: string | undefined;
  let nextId = 1;
  let closed = false;
  const minInterval = options.minSnapshotIntervalMs ?? 1_000;
  let lastSentAt = 0;
  let lastSentKey = '';
  let trailing: NodeJS.Timeout | undefined;

  const frame = (event: string, data: unknown): string =>
    // JSON.stringify never emits raw newlines, so one data line per event is safe.
    `id: ${nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

  const drop = (c: Client): void => {
    clients.delete(c);
    c.res.end();
  };

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
    if (lastSnapshotFrame === undefined && lastSnapshot !== undefined) lastSnapshotFrame = frame('snapshot', serialize(lastSnapshot));
    return lastSnapshotFrame;
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
    const latest = snapshotFrame();
    if (latest) res.write(latest);
    req.on('close', () => clients.delete(client));
  };

  return {
    publishSnapshot(snapshot) {
      lastSnapshot = snapshot;
      lastSnapshotFrame = undefined;
      if (clients.size === 0 || closed) return;
      const key = visibleKey(snapshot);
      const flush = () => {
        clearTimeout(trailing);
        trailing = undefined;
        lastSentAt = Date.now();
        lastSentKey = visibleKey(lastSnapshot!);
        broadcast(snapshotFrame()!);
      };
      if (key !== lastSentKey || Date.now() - lastSentAt >= minInterval) flush();
      else trailing ??= setTimeout(flush, lastSentAt + minInterval - Date.now());
    },
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
