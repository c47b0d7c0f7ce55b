/**
 * HTTP/2 to backends: `protocol: http2` (proxy_http_version 2, nginx 1.29.4
 * and later) and gRPC, both as h2c with prior knowledge. The gRPC backend
 * here echoes the request body and ends with trailers, which must reach the
 * client.
 */

import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { Backend, type BackendResponseBody } from '../../src/diff/backend.js';
import { closeSession, openSession, request } from '../helpers/h2.js';
import { freePort } from '../helpers/loopback.js';
import { startProxy, type RunningProxy } from '../helpers/proxy.js';

const h2Backend = new Backend({ id: 'h2', protocol: 'h2c' });
let grpcServer: Http2Server;
let grpcPort = 0;
let proxy: RunningProxy;
let port = 0;
/** The same spec as nginx 1.31.4, which sends Host only as :authority. */
let proxy1314: RunningProxy;
let port1314 = 0;

/** Responds to every stream with the request body it read, then the trailers grpc-status 0 and grpc-message. */
function grpcEcho(stream: ServerHttp2Stream, headers: Record<string, unknown>): void {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'x-te-received': String(headers.te ?? '') }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'echoed' }));
    stream.end(Buffer.concat(chunks));
  });
}

beforeAll(async () => {
  await h2Backend.start();
  grpcServer = createServer();
  grpcServer.on('stream', (stream, headers) => grpcEcho(stream, headers));
  await new Promise<void>((resolve) => grpcServer.listen(0, '127.0.0.1', resolve));
  grpcPort = (grpcServer.address() as AddressInfo).port;

  port = await freePort();
  port1314 = await freePort();
  const spec = (version: string, listenPort: number) =>
    stringify({
      h2sticky: 1,
      target: { nginx: version },
      upstreams: {
        modern: { protocol: 'http2', servers: [{ address: h2Backend.address }] },
        orders: { protocol: 'grpc', servers: [{ address: `127.0.0.1:${grpcPort}` }] },
      },
      servers: [
        {
          server_names: ['shop.example.com'],
          listen: [{ address: '127.0.0.1', port: listenPort, http2: true }],
          locations: [
            { path: '/', upstream: 'modern' },
            { path: '/orders.Orders/', upstream: 'orders' },
          ],
        },
      ],
    });
  proxy = await startProxy(spec('1.30.6', port), '1.30.6', 'warn');
  proxy1314 = await startProxy(spec('1.31.4', port1314), '1.31.4', 'warn');
});

afterAll(async () => {
  await proxy?.stop();
  await proxy1314?.stop();
  await h2Backend.stop();
  await new Promise<void>((resolve) => grpcServer.close(() => resolve()));
});

describe('HTTP/2 upstreams', () => {
  it('speaks HTTP/2 to a proxy_http_version 2 backend', async () => {
    const session = await openSession(`http://127.0.0.1:${port}`);
    const first = await request(session, '/page', { 'user-agent': 'vitest' });
    const second = await request(session, '/page/2');
    await closeSession(session);

    expect(first.status).toBe(200);
    const received = JSON.parse(first.body) as BackendResponseBody;
    expect(received.httpVersion).toBe('2.0');
    expect(received.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(received.headers['user-agent']).toBe('vitest');
    // Before 1.31.4 the configured Host ($host) goes out as a host header, and no :authority.
    expect(received.headers.host).toBe('shop.example.com');
    expect(received.headers[':authority']).toBeUndefined();
    expect(second.status).toBe(200);
  });

  it('sends Host as :authority only, as nginx 1.31.4', async () => {
    const session = await openSession(`http://127.0.0.1:${port1314}`);
    const response = await request(session, '/page', { host: 'client.example' });
    await closeSession(session);

    expect(response.status).toBe(200);
    const received = JSON.parse(response.body) as BackendResponseBody;
    expect(received.headers[':authority']).toBe('shop.example.com');
    expect(received.headers.host).toBeUndefined();
  });

  it('passes a gRPC body and its trailers', async () => {
    const session = await openSession(`http://127.0.0.1:${port}`);
    const payload = Buffer.from([0, 0, 0, 0, 5, 104, 101, 108, 108, 111]);
    const stream = session.request({ ':method': 'POST', ':path': '/orders.Orders/Get', ':authority': 'shop.example.com', 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let status = 0;
    let teReceived = '';
    let trailers: Record<string, unknown> = {};
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      teReceived = String(headers['x-te-received']);
    });
    stream.on('trailers', (received) => {
      trailers = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.end(payload);
    await ended;
    await closeSession(session);

    expect(status).toBe(200);
    expect(teReceived).toBe('trailers');
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    expect(trailers['grpc-status']).toBe('0');
    expect(trailers['grpc-message']).toBe('echoed');
  });
});
