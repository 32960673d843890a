/**
 * A minimal client of statusgraph's GET /api/v1/events: calls `onSnapshot` with each snapshot
 * event's JSON and the local time it arrived, so detection is timed by events, not by polling.
 */
export async function followSnapshots(url: string, onSnapshot: (data: any, receivedAt: number) => void): Promise<{ close(): void }> {
  const ac = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new Error(`/api/v1/events: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const lines = block.split('\n');
          if (!lines.includes('event: snapshot')) continue;
          const data = lines.find((l) => l.startsWith('data: '));
          if (data) onSnapshot(JSON.parse(data.slice(6)), Date.now());
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { close: () => ac.abort() };
}
