/** Not public API. Starts a server listening and says where a client on this machine reaches it. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on `host:port` (0 picks a free port) and resolves with `http://host:port`. A wildcard host
 * (`0.0.0.0`, `::`) is reported as 127.0.0.1, an address a client on this machine can use.
 */
export async function listen(server: http.Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`;
}
