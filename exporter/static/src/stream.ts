/**
 * The live stream: EventSource reconnects by itself after network errors; when the server closes
 * it for good (an HTTP error), or nothing has arrived for several intervals, this reconnects with
 * backoff. `onLive(false)` drives the visible "stale" mark.
 */
export interface StreamHandlers {
  onSnapshot(data: unknown): void;
  onIncident(data: unknown): void;
  onLive(live: boolean): void;
}

export function connectStream(url: string, silenceMs: number, h: StreamHandlers): { close(): void } {
  let es: EventSource | undefined;
  let backoff = 1_000;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      h.onLive(false);
      reconnect();
    }, silenceMs);
  };
  const reconnect = () => {
    es?.close();
    es = undefined;
    clearTimeout(retryTimer);
    if (closed) return;
    retryTimer = setTimeout(open, backoff);
    backoff = Math.min(backoff * 2, 15_000);
  };
  const parse = (e: MessageEvent, fn: (d: unknown) => void) => {
    try {
      fn(JSON.parse(e.data as string));
    } catch (err) {
      console.error('statusgraph: bad event', err);
    }
  };
  function open(): void {
    es = new EventSource(url, { withCredentials: true });
    arm();
    es.addEventListener('snapshot', (e) => {
      backoff = 1_000;
      arm();
      h.onLive(true);
      parse(e as MessageEvent, h.onSnapshot);
    });
    es.addEventListener('incident', (e) => {
      arm();
      parse(e as MessageEvent, h.onIncident);
    });
    es.addEventListener('error', () => {
      h.onLive(false);
      if (es?.readyState === EventSource.CLOSED) reconnect();
    });
  }
  open();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(watchdog);
      es?.close();
    },
  };
}
