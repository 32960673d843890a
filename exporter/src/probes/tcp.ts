import net from 'node:net';
import { z } from 'zod';
import type { ProbeKind, ProbeOutcome } from './types.js';
import { networkReason, since } from './errors.js';

const options = z.strictObject({
  /** host:port, [v6]:port */
  address: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'must be HOST:PORT'),
  /** Optional round trip: write `send`, wait until the reply contains `expect`. */
  send: z.string().optional(),
  expect: z.string().min(1).optional(),
});

export type TcpOptions = z.output<typeof options>;

function splitAddress(a: string): { host: string; port: number } {
  const i = a.lastIndexOf(':');
  const host = a.slice(0, i).replace(/^\[|\]$/g, '');
  return { host, port: Number(a.slice(i + 1)) };
}

export const tcpProbe: ProbeKind<TcpOptions> = {
  kind: 'tcp',
  options,
  create(cfg) {
    const { host, port } = splitAddress(cfg.address);
    return {
      run(signal): Promise<ProbeOutcome> {
        const start = performance.now();
        return new Promise<ProbeOutcome>((resolve) => {
          let settled = false;
          let received = '';
          const socket = net.connect({ host, port });
          const finish = (o: ProbeOutcome) => {
            if (settled) return;
            settled = true;
            signal.removeEventListener('abort', onAbort);
            socket.destroy();
            resolve(o);
          };
          const onAbort = () => finish({ success: false, durationSeconds: since(start), reason: 'timeout' });
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          socket.once('error', (err) => finish({ success: false, durationSeconds: since(start), reason: networkReason(err, signal) }));
          socket.once('connect', () => {
            if (cfg.send === undefined && cfg.expect === undefined) {
              finish({ success: true, durationSeconds: since(start) });
              return;
            }
            if (cfg.send !== undefined) socket.write(cfg.send);
            if (cfg.expect === undefined) {
              socket.once('data', () => finish({ success: true, durationSeconds: since(start) }));
              return;
            }
            socket.setEncoding('utf8');
            socket.on('data', (chunk: string) => {
              received = (received + chunk).slice(-65_536);
              if (received.includes(cfg.expect!)) finish({ success: true, durationSeconds: since(start) });
            });
          });
          socket.once('end', () => finish({ success: false, durationSeconds: since(start), reason: cfg.expect ? 'reply mismatch' : 'connection closed' }));
        });
      },
      async close() { /* one connection per run: nothing is kept */ },
    };
  },
};
