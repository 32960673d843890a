import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from '../../test/support/ports.js';
import { startProcess, type OwnedProcess } from '../../test/support/process.js';

/**
 * A private nginx (Debian's nginx-light) on a free loopback port: the fast local target. Every
 * request is logged with its completion time in ms and its path, so the probes of each prober
 * can be counted and their spacing measured from outside, at no cost to the probers.
 */
export interface Nginx {
  readonly port: number;
  readonly origin: string;
  readonly accessLog: string;
  /** Path -> completion times (epoch ms) of requests whose path starts with `prefix`, within [from, to]. */
  requests(prefix: string, from: number, to: number): Map<string, number[]>;
  stop(): Promise<void>;
}

export async function startNginx(dir: string): Promise<Nginx> {
  const port = await freePort();
  const accessLog = path.join(dir, 'access.log');
  for (const d of ['tmp', 'logs']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 16384; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  log_format bench '$msec $uri $status';
  access_log ${accessLog} bench;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    default_type application/json;
    location / { return 200 '{"status":"ok"}'; }
  }
}
`);
  const proc: OwnedProcess = startProcess('nginx', ['-p', dir, '-e', `${dir}/logs/error.log`, '-c', conf]);
  try {
    await waitForPort(port, 15_000);
  } catch (e) {
    await proc.stop();
    throw new Error(`nginx did not start: ${(e as Error).message}\n${proc.output()}`);
  }
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    accessLog,
    requests(prefix, from, to) {
      const out = new Map<string, number[]>();
      const text = fs.readFileSync(accessLog, 'utf8');
      for (const line of text.split('\n')) {
        const sp = line.indexOf(' ');
        if (sp < 0) continue;
        const rest = line.slice(sp + 1);
        if (!rest.startsWith(prefix)) continue;
        const t = Number(line.slice(0, sp)) * 1000;
        if (t < from || t > to) continue;
        const uri = rest.slice(0, rest.indexOf(' '));
        let list = out.get(uri);
        if (!list) out.set(uri, (list = []));
        list.push(t);
      }
      return out;
    },
    async stop() {
      await proc.stop('SIGQUIT');
    },
  };
}
