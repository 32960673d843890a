/**
 * The live stream: EventSource reconnects by itself after network errors, sending the version the
 * page holds as Last-Event-ID, so the server answers with what was missed (one `diff`) rather than
 * everything. When the server closes it for good (an HTTP error), nothing has arrived for several
 * intervals, or a diff does not follow from the version held (`resync()`), this opens a new one
 * with `?since=<version held>`, with backoff. `onLive(false)` drives the visible "stale" mark.
 */
export interface StreamHandlers {
  onSnapshot(data: unknown): void;
  onDiff(data: unknown): void;
  onIncident(data: unknown): void;
  onLive(live: boolean): void;
  /** A stream opened again after one was lost: incident events may have been missed. */
  onReconnected(): void;
}

export interface Stream {
  /** Drop this stream and open one from the version held now. */
  resync(): void;
  close(): void;
}

/** `url()` is asked at each (re)connection: it carries the version the page holds then. */
export function connectStream(url: () => string, silenceMs: number, h: StreamHandlers): Stream {
  let es: EventSource | undefined;
  let backoff = 1_000;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let opened = 0;

  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      h.onLive(false);
      reconnect(backoff);
    }, silenceMs);
  };
  const reconnect = (delay: number) => {
    es?.close();
    es = undefined;
    clearTimeout(retryTimer);
    if (closed) return;
    retryTimer = setTimeout(open, delay);
    backoff = Math.min(backoff * 2, 15_000);
  };
  const parse = (e: MessageEvent, fn: (d: unknown) => void) => {
    try {
      fn(JSON.parse(e.data as string));
    } catch (err) {
      console.error('statusgraph: bad event', err);
    }
  };
  const live = (e: Event, fn: (d: unknown) => void) => {
    backoff = 1_000;
    arm();
    h.onLive(true);
    parse(e as MessageEvent, fn);
  };
  function open(): void {
    es = new EventSource(url(), { withCredentials: true });
    arm();
    es.addEventListener('open', () => { if (opened++ > 0) h.onReconnected(); });
    es.addEventListener('snapshot', (e) => live(e, h.onSnapshot));
    es.addEventListener('diff', (e) => live(e, h.onDiff));
    es.addEventListener('incident', (e) => {
      arm();
      parse(e as MessageEvent, h.onIncident);
    });
    es.addEventListener('error', () => {
      h.onLive(false);
      if (es?.readyState === EventSource.CLOSED) reconnect(backoff);
    });
  }
  open();
  return {
    resync: () => reconnect(0),
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(watchdog);
      es?.close();
    },
  };
}
