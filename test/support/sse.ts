/** A Server-Sent Events client for tests and benchmarks: collects frames as they arrive. */
export interface SseFrame {
  event: string;
  data: any;
}

export interface SseSubscription {
  status: number;
  contentType: string | null;
  frames: SseFrame[];
  close(): void;
}

/** `onFrame` sees each frame with its local arrival time, so callers can time events, not poll. */
export async function subscribeSse(url: string, headers: Record<string, string>, onFrame?: (frame: SseFrame, receivedAt: number) => void): Promise<SseSubscription> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const frames: SseFrame[] = [];
  if (res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += value;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!event || !data) continue;
            const frame = { event, data: JSON.parse(data) };
            frames.push(frame);
            onFrame?.(frame, Date.now());
          }
        }
      } catch { /* aborted by close() */ }
    })();
  }
  return { status: res.status, contentType: res.headers.get('content-type'), frames, close: () => controller.abort() };
}
