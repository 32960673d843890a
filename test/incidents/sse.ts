/** Collects Server-Sent Events from a URL as they arrive (test helper). */
export interface SseFrame {
  event: string;
  data: any;
}

export async function subscribeSse(url: string, headers: Record<string, string>): Promise<{ status: number; contentType: string | null; frames: SseFrame[]; close(): void }> {
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
            if (event && data) frames.push({ event, data: JSON.parse(data) });
          }
        }
      } catch { /* aborted by close() */ }
    })();
  }
  return { status: res.status, contentType: res.headers.get('content-type'), frames, close: () => controller.abort() };
}
