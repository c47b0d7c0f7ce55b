/**
 * The diff client names the error code of a GOAWAY that ends a request, so
 * that a report can separate nginx's GOAWAY from nghttp2's. A real h2c
 * server on loopback sends the GOAWAY. node's client fails open streams only
 * on a GOAWAY with an error code, and after GOAWAY NO_ERROR they wait for
 * their timeout.
 */

import { constants, createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openConnection } from '../../../src/diff/client.js';

let server: Http2Server;
let port = 0;
/** The GOAWAY code the server sends on the next stream. */
let nextCode: number = constants.NGHTTP2_INTERNAL_ERROR;

beforeAll(async () => {
  server = createServer();
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    // The last stream id 0 makes the client treat the open stream as not processed.
    stream.session?.goaway(nextCode, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('diff client GOAWAY', () => {
  it.each([
    [constants.NGHTTP2_INTERNAL_ERROR, 'INTERNAL_ERROR'],
    [constants.NGHTTP2_ENHANCE_YOUR_CALM, 'ENHANCE_YOUR_CALM'],
  ])('names code %i', async (code, name) => {
    nextCode = code;
    const connection = openConnection({ protocol: 'h2c', host: '127.0.0.1', port, localAddress: '127.0.0.1', serverName: 'shop.example.com', timeoutMs: 5000 });
    const response = await connection.send({ method: 'GET', path: '/', authority: 'shop.example.com', headers: {} });
    await connection.close();

    expect(response.status).toBeUndefined();
    expect(response.error).toBe(`connection closed by GOAWAY ${name}`);
  });
});
