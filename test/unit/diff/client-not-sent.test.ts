/**
 * A request that the diff client rejects before sending must be marked as
 * not sent, and a run with such a request is an error, not a comparison.
 * A real h2c server on loopback counts the requests that arrive.
 */

import { createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openConnection } from '../../../src/diff/client.js';
import { comparedCount, notSentReason, statusOf, type RequestResult, type StepResult } from '../../../src/diff/result.js';
import type { Observation } from '../../../src/diff/observation.js';

let server: Http2Server;
let port = 0;
let received = 0;

beforeAll(async () => {
  server = createServer();
  server.on('stream', (stream) => {
    received += 1;
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function request(notSent?: string[]): RequestResult {
  const observation = {} as Observation;
  return { pointer: '/steps/0/request', client: 'client', connection: 'main', method: 'GET', path: '/a', observations: [observation, observation], ...(notSent ? { notSent } : {}), differences: [], expectationFailures: [] };
}

describe('diff client request not sent', () => {
  it('marks a connection header as not sent', async () => {
    const connection = openConnection({ protocol: 'h2c', host: '127.0.0.1', port, localAddress: '127.0.0.1', serverName: 'shop.example.com', timeoutMs: 5000 });
    const before = received;
    const rejected = await connection.send({ method: 'GET', path: '/', authority: 'shop.example.com', headers: { te: 'gzip' } });
    const sent = await connection.send({ method: 'GET', path: '/', authority: 'shop.example.com', headers: { te: 'trailers' } });
    await connection.close();

    expect(rejected.notSent).toBe(true);
    expect(rejected.error).toBeDefined();
    expect(sent.notSent).toBeUndefined();
    expect(sent.status).toBe(200);
    expect(received - before).toBe(1);
  });

  it('makes the run an error', () => {
    const steps: StepResult[] = [{ index: 0, pointer: '/steps/0', summary: 'GET /a', requests: [request(), request(['nginx: invalid header'])] }];

    expect(statusOf(steps)).toBe('error');
    expect(comparedCount(steps)).toBe(1);
    expect(notSentReason(steps)).toContain('nginx: invalid header');
  });

  it('compares a run with every request sent', () => {
    const steps: StepResult[] = [{ index: 0, pointer: '/steps/0', summary: 'GET /a', requests: [request(), request()] }];

    expect(statusOf(steps)).toBe('passed');
    expect(comparedCount(steps)).toBe(2);
    expect(notSentReason(steps)).toBeUndefined();
  });
});
