import { subscribeSse } from '../../test/support/sse.js';

/**
 * Follows statusgraph's GET /api/v1/events: calls `onSnapshot` with the first `snapshot` event's
 * JSON and then each `diff` event's (its `components` are the ones that changed), with the local
 * time it arrived, so detection is timed by events, not by polling.
 */
export async function followSnapshots(url: string, onSnapshot: (data: any, receivedAt: number) => void): Promise<{ close(): void }> {
  const sub = await subscribeSse(`${url}/api/v1/events`, { accept: 'text/event-stream' }, (frame, at) => {
    if (frame.event === 'snapshot' || frame.event === 'diff') onSnapshot(frame.data, at);
  });
  if (sub.status !== 200) {
    sub.close();
    throw new Error(`/api/v1/events: ${sub.status}`);
  }
  return { close: () => sub.close() };
}
