/**
 * Loopback servers and clients for integration tests: free ports, a node:http
 * backend, and HTTP/1.1 and HTTP/2 (prior knowledge) GET requests.
 */

import { createServer, request, type Server } from 'node:http';
import { connect as connectHttp2, constants as http2Constants } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface SimpleResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const requestTimeoutMs = 10_000;

export { freePort } from '../../src/util/free-port.js';

/** Starts a backend on 127.0.0.1 that responds to every request with its name, the path and the X-Via header it received. */
export async function startBackend(name: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((incoming, outgoing) => {
    outgoing.setHeader('content-type', 'text/plain');
    outgoing.end(`${name} ${incoming.url ?? ''} via=${String(incoming.headers['x-via'] ?? '-')}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends an HTTP/1.1 GET to 127.0.0.1 on a fresh connection. */
export function http1Get(port: number, path: string): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: requestTimeoutMs },
      (incoming) => {
        let body = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (body += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`GET ${path} on port ${port} timed out`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Sends an HTTP/2 GET over cleartext with prior knowledge (h2c) to 127.0.0.1, then closes the session. */
export function http2Get(port: number, path: string): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    session.setTimeout(requestTimeoutMs, () => session.destroy(new Error(`HTTP/2 GET ${path} on port ${port} timed out`)));
    session.on('error', reject);

    const stream = session.request({ [http2Constants.HTTP2_HEADER_PATH]: path });
    let headers: SimpleResponse['headers'] = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (received) => {
      headers = received as SimpleResponse['headers'];
    });
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status: Number(headers[http2Constants.HTTP2_HEADER_STATUS]), headers, body });
    });
    stream.on('error', reject);
    stream.end();
  });
}
