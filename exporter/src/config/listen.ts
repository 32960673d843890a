/** Listener addresses as written in the config (`listen`, `pages[].listen`) and on the CLI. */
import net from 'node:net';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * Why `HOST:PORT` cannot be listened on, or undefined when it can: a port 0-65535 (0: any free
 * port), and a host that is empty (all interfaces), an IPv4 address, a bracketed IPv6 address or a
 * host name. `127.0.0.1:99999` passed the old pattern and died at start with ERR_SOCKET_BAD_PORT.
 */
export function listenProblem(s: string): string | undefined {
  const i = s.lastIndexOf(':');
  if (i === -1) return 'must be HOST:PORT, e.g. 127.0.0.1:9470';
  const host = s.slice(0, i);
  const port = s.slice(i + 1);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) return 'the port must be a number from 0 to 65535';
  if (host === '' || net.isIPv4(host) || HOSTNAME.test(host)) return undefined;
  if (host.startsWith('[') && host.endsWith(']') && net.isIPv6(host.slice(1, -1))) return undefined;
  return 'the host must be empty, an IPv4 address, [an IPv6 address] or a host name';
}

/** HOST:PORT (checked by listenProblem) as the listener takes it; an empty host is every interface. */
export function parseListen(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  let host = s.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port: Number(s.slice(i + 1)) };
}

