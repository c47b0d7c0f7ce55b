/**
 * The http2-proxy package as a benchmark peer: an HTTP/2 server (h2c on one
 * port, TLS on another) that passes each request round robin to the three
 * backends over keepalive HTTP/1.1 connections. It keeps as many idle ones
 * in total as the nginx and h2sticky configs keep (IDLE_CONNECTIONS).
 * Arguments: PLAIN_PORT TLS_PORT BACKEND_PORTS IDLE_CONNECTIONS.
 */

import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createSecureServer, createServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';

import proxy from 'http2-proxy';

const [plainPort, tlsPort, backendList, idleConnections] = process.argv.slice(2);
const backends = backendList!.split(',').map(Number);
// maxFreeSockets counts per backend.
const agent = new Agent({ keepAlive: true, maxFreeSockets: Math.ceil(Number(idleConnections) / backends.length) });
let next = 0;

function handle(req: Http2ServerRequest, res: Http2ServerResponse): void {
  const port = backends[next++ % backends.length]!;
  void proxy.web(req as never, res as never, {
    hostname: '127.0.0.1',
    port,
    onReq: (_incoming: unknown, options: Record<string, unknown>) => request({ ...options, hostname: '127.0.0.1', port, agent }),
  } as never, (error: Error | null) => {
    if (error && !res.headersSent) {
      res.statusCode = 502;
      res.end();
    }
  });
}

createServer({}, handle).listen(Number(plainPort), '127.0.0.1');
createSecureServer({ cert: readFileSync('fixtures/tls/test.crt'), key: readFileSync('fixtures/tls/test.key') }, handle).listen(Number(tlsPort), '127.0.0.1', () => {
  process.stdout.write('ready\n');
});
