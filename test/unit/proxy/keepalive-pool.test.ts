import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runHttp1Attempt } from '../../../src/proxy/upstream/http1.js';
import { connectPeer, KeepalivePool, type UpstreamConnection } from '../../../src/proxy/upstream/pool.js';

let server: Server;
let port = 0;
const accepted: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function open(peerName = `127.0.0.1:${port}`): Promise<UpstreamConnection> {
  const result = await connectPeer({ kind: 'tcp', host: '127.0.0.1', port, family: 4 }, peerName, 2_000, false);
  if (result.kind !== 'connected') throw new Error(`connect failed: ${result.kind}`);
  return result.connection;
}

describe('keepalive pool', () => {
  it('closes the least recently cached connection when full', async () => {
    const pool = new KeepalivePool({ connections: 2, timeoutMs: 60_000, requests: 1000, directive: 'write' });
    const [first, second, third] = [await open(), await open(), await open()];
    pool.release(first);
    pool.release(second);
    pool.release(third);

    expect(pool.size).toBe(2);
    expect(first.socket.destroyed).toBe(true);
    expect(pool.take(first.peerName)).toBe(third);
    expect(pool.take(first.peerName)).toBe(second);
    expect(pool.take(first.peerName)).toBeUndefined();
    pool.closeAll();
  });

  it('keeps connections apart by peer', async () => {
    const pool = new KeepalivePool({ connections: 4, timeoutMs: 60_000, requests: 1000, directive: 'write' });
    const [a, b] = [await open('peer-a'), await open('peer-b')];
    pool.release(a);
    pool.release(b);
    expect(pool.take('peer-b')).toBe(b);
    expect(pool.take('peer-b')).toBeUndefined();
    expect(pool.take('peer-a')).toBe(a);
    pool.closeAll();
  });

  it('closes a connection that spent its requests', async () => {
    const pool = new KeepalivePool({ connections: 4, timeoutMs: 60_000, requests: 2, directive: 'write' });
    const connection = await open();
    connection.requests = 2;
    pool.release(connection);
    expect(pool.size).toBe(0);
    expect(connection.socket.destroyed).toBe(true);
  });

  it('drops an idle connection after the timeout', async () => {
    const pool = new KeepalivePool({ connections: 4, timeoutMs: 50, requests: 1000, directive: 'write' });
    const connection = await open();
    pool.release(connection);
    expect(pool.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.size).toBe(0);
    expect(connection.socket.destroyed).toBe(true);
  });

  it('drops an idle connection the backend closes', async () => {
    const pool = new KeepalivePool({ connections: 4, timeoutMs: 60_000, requests: 1000, directive: 'write' });
    const before = accepted.length;
    const connection = await open();
    pool.release(connection);
    for (let wait = 0; wait < 50 && accepted.length === before; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    accepted[accepted.length - 1]!.destroy();
    for (let wait = 0; wait < 50 && pool.size > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pool.size).toBe(0);
  });

  it('closes connections released after closeAll', async () => {
    const pool = new KeepalivePool({ connections: 4, timeoutMs: 60_000, requests: 1000, directive: 'write' });
    pool.closeAll();
    const connection = await open();
    pool.release(connection);
    expect(pool.size).toBe(0);
    expect(connection.socket.destroyed).toBe(true);
  });

  it('keeps a connection whose body came in later reads', async () => {
    const pool = new KeepalivePool({ connections: 4, timeoutMs: 60_000, requests: 1000, directive: 'write' });
    const before = accepted.length;
    const connection = await open();
    for (let wait = 0; wait < 50 && accepted.length === before; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    const backend = accepted[accepted.length - 1]!;
    const chunks: Buffer[] = [];
    const sink = {
      closed: false,
      write: (chunk: Buffer) => chunks.push(chunk) > 0,
      onDrain: () => undefined,
      end: (_trailers?: unknown, last?: Buffer) => void (last && chunks.push(last)),
    };

    for (const path of ['/first', '/second']) {
      // The header, then the body in two more writes, so that the response completes inside a later read.
      backend.once('data', () => {
        backend.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n');
        setTimeout(() => backend.write('ab'), 20);
        setTimeout(() => backend.write('cd'), 40);
      });
      const reused = pool.take(connection.peerName) ?? connection;
      expect(reused).toBe(connection);
      const outcome = await runHttp1Attempt(reused, pool, { method: 'GET', version: '1.1', head: `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`, body: undefined }, { sendMs: 1000, readMs: 1000 });
      expect(outcome.kind).toBe('response');
      if (outcome.kind !== 'response') return;
      expect(await outcome.body.pipe(sink)).toBe('complete');

      expect(pool.size).toBe(1);
      expect(connection.socket.destroyed).toBe(false);
    }
    expect(Buffer.concat(chunks).toString()).toBe('abcdabcd');
    pool.closeAll();
  });
});
