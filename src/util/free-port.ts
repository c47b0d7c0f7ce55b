import { createServer, type AddressInfo } from 'node:net';

/** Returns a port that was free on `host` (default 127.0.0.1) a moment ago; another process may take it before the caller binds it. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
