/**
 * Three loopback HTTP/1.1 backends for the proxy benchmark, in their own
 * process so that they do not share an event loop with the server under
 * test. Each responds to every request with a 64-byte body. Prints "ready PORTS"
 * once all listen.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.alloc(64, 'x');
const ports: number[] = [];
for (let index = 0; index < 3; index++) {
  const server = createServer({ keepAliveTimeout: 120_000 }, (request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.stdout.write(`ready ${ports.join(',')}\n`);
