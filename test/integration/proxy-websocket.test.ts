/**
 * WebSocket through the proxy as nginx passes it: an HTTP/1.1 client asks
 * to upgrade, the location sends Upgrade and "Connection: upgrade" to the
 * backend, and a 101 turns both connections into one tunnel. The backend
 * here completes the upgrade and echoes every byte; the proxy handles no
 * WebSocket framing, so bytes are all it needs.
 */

import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { freePort } from '../helpers/loopback.js';
import { startProxy, type RunningProxy } from '../helpers/proxy.js';

let backend: Server;
let proxy: RunningProxy;
let port = 0;
const upgradeRequests: Record<string, string | string[] | undefined>[] = [];

beforeAll(async () => {
  backend = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
  backend.on('upgrade', (request, socket: Socket, head: Buffer) => {
    upgradeRequests.push(request.headers);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: test-accept\r\n\r\n');
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const backendPort = (backend.address() as AddressInfo).port;

  port = await freePort();
  const spec = stringify({
    h2sticky: 1,
    target: { nginx: '1.30.6' },
    upstreams: { chat: { servers: [{ address: `127.0.0.1:${backendPort}` }] } },
    servers: [
      {
        server_names: ['shop.example.com'],
        listen: [{ address: '127.0.0.1', port, http2: true }],
        locations: [{ path: '/ws/', upstream: 'chat', websocket: true, timeouts: { read: '2s' } }],
      },
    ],
  });
  proxy = await startProxy(spec, '1.30.6', 'info');
});

afterAll(async () => {
  await proxy?.stop();
  backend.closeAllConnections();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
});

/** Reads from the socket until `text` has arrived or 5 s passed. */
function readUntil(socket: Socket, received: { text: string }, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`"${text}" did not arrive; received ${JSON.stringify(received.text)}`)), 5_000);
    const check = () => {
      if (!received.text.includes(text)) return;
      clearTimeout(deadline);
      socket.off('data', check);
      resolve();
    };
    socket.on('data', check);
    check();
  });
}

describe('WebSocket upgrade', () => {
  it('tunnels bytes both ways after 101', async () => {
    const socket = connect(port, '127.0.0.1');
    const received = { text: '' };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received.text += chunk));
    await new Promise<void>((resolve) => socket.once('connect', resolve));

    socket.write('GET /ws/chat HTTP/1.1\r\nHost: shop.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await readUntil(socket, received, '\r\n\r\n');
    expect(received.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(received.text).toMatch(/\r\nConnection: upgrade\r\n/);
    expect(received.text).toMatch(/\r\nUpgrade: websocket\r\n/);
    expect(received.text).toMatch(/\r\nSec-WebSocket-Accept: test-accept\r\n/);
    expect(received.text).toMatch(/\r\nServer: nginx\/1\.30\.6\r\n/);

    received.text = '';
    socket.write('ping-1');
    await readUntil(socket, received, 'ping-1');
    socket.write('ping-2');
    await readUntil(socket, received, 'ping-2');
    socket.destroy();

    const forwarded = upgradeRequests.at(-1)!;
    expect(forwarded.upgrade).toBe('websocket');
    expect(forwarded.connection).toBe('upgrade');
    expect(forwarded['sec-websocket-key']).toBe('dGhlIHNhbXBsZQ==');
  });

  it('closes an idle tunnel after the read timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const received = { text: '' };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received.text += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /ws/idle HTTP/1.1\r\nHost: shop.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await readUntil(socket, received, '101 Switching Protocols');

    // The location's read timeout is 2 s; the tunnel must close by itself well within the test's limit.
    await closed;
    expect(socket.destroyed).toBe(true);
    expect(proxy.logLines().some((line) => line.event === 'proxy.access' && line.uri === '/ws/idle' && line.status === 101)).toBe(true);
  });
});
