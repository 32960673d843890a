import fs from 'node:fs';
import path from 'node:path';
import { freePort, until } from '../../test/support/ports.js';
import { startProcess, type OwnedProcess } from '../../test/support/process.js';

/** Debian's prometheus-blackbox-exporter on a free loopback port with an `http_2xx` module. */
export interface Blackbox {
  readonly pid: number;
  readonly address: string;
  stop(): Promise<void>;
}

export async function startBlackbox(dir: string): Promise<Blackbox> {
  const port = await freePort();
  const conf = path.join(dir, 'blackbox.yml');
  // The stock http_2xx module of the package's example config: 2xx is success, 10 s deadline like statusgraph's.
  fs.writeFileSync(conf, `modules:
  http_2xx:
    prober: http
    timeout: 10s
    http:
      preferred_ip_protocol: ip4
`);
  const proc: OwnedProcess = startProcess('prometheus-blackbox-exporter', [`--config.file=${conf}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
  const address = `127.0.0.1:${port}`;
  try {
    await until('blackbox_exporter ready', async () => {
      if (proc.exited()) throw new Error(proc.output());
      return (await fetch(`http://${address}/-/healthy`).catch(() => undefined))?.ok;
    }, 15_000, 100);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { pid: proc.pid, address, stop: () => proc.stop() };
}
