/** Not public API. Starts a server listening and says where a client on this machine reaches it. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The accept queue asked of the kernel (listen(2)'s backlog; Linux clamps it to net.core.somaxconn, 4096 by default
 * since 5.4). Node's default, 511, overflowed when 1,000 dashboards connected in the same second: the dropped SYNs
 * are retried after 1, 3, 7, 15 s, so those clients waited seconds for their first answer (bench/dashboards,
 * TcpExtListenOverflows in /proc/net/netstat).
 */
const LISTEN_BACKLOG = 4096;

/**
 * Listens on `host:port` (0 picks a free port) and resolves with `http://host:port`. A wildcard host
 * (`0.0.0.0`, `::`) is reported as 127.0.0.1, an address a client on this machine can use.
 */
export async function listen(server: http.Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`;
}
