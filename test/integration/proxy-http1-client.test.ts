/**
 * HTTP/1.x clients on a plain port that also serves h2c (nginx 1.25.1 and
 * later): proxied requests, nginx's 400 for an HTTP/1.1 request without
 * Host, and the 301 for a slash-ended location requested without its slash.
 */

import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { Backend, stopBackends, type BackendResponseBody } from '../../src/diff/backend.js';
import { freePort, http1Get } from '../helpers/loopback.js';
import { startProxy, type RunningProxy } from '../helpers/proxy.js';

const backends = [new Backend({ id: 'one' }), new Backend({ id: 'two' })];
let proxy: RunningProxy;
let port = 0;

/** Sends raw bytes and returns everything the server sent until it closed or 2 s passed. */
function rawExchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 2_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  await Promise.all(backends.map((backend) => backend.start()));
  port = await freePort();
  const spec = stringify({
    h2sticky: 1,
    target: { nginx: '1.30.6' },
    upstreams: { app: { servers: backends.map((backend) => ({ address: backend.address })), affinity: { mode: 'cookie', name: 'srv_id' } } },
    servers: [
      {
        server_names: ['shop.example.com'],
        listen: [{ address: '127.0.0.1', port, http2: true }],
        locations: [
          { path: '/', upstream: 'app' },
          { path: '/api/', upstream: 'app' },
        ],
      },
    ],
  });
  proxy = await startProxy(spec, '1.30.6', 'info');
});

afterAll(async () => {
  await proxy?.stop();
  await stopBackends(backends);
});

describe('HTTP/1 clients', () => {
  it('proxies an HTTP/1.1 request with the sticky cookie', async () => {
    const response = await http1Get(port, '/cart');
    expect(response.status).toBe(200);
    const received = JSON.parse(response.body) as BackendResponseBody;
    expect(['one', 'two']).toContain(received.backend);
    expect(received.httpVersion).toBe('1.1');
    expect(String(response.headers['set-cookie'])).toMatch(/^srv_id=[0-9a-f]{32}$/);
    expect(response.headers.server).toBe('nginx/1.30.6');
  });

  it('keeps the client connection alive across requests', async () => {
    const agentResponses: number[] = [];
    // Node 20's global agent keeps connections alive, so both requests share one when the proxy keeps it open.
    const localPorts = new Set<number>();
    for (let index = 0; index < 2; index++) {
      await new Promise<void>((resolve, reject) => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, path: `/keep/${index}`, headers: { host: 'shop.example.com' } }, (incoming) => {
          localPorts.add(incoming.socket.localPort ?? 0);
          agentResponses.push(incoming.statusCode ?? 0);
          incoming.resume();
          incoming.on('end', resolve);
        });
        outgoing.on('error', reject);
        outgoing.end();
      });
    }
    expect(agentResponses).toEqual([200, 200]);
    expect(localPorts.size).toBe(1);
    expect(proxy.logLines().filter((line) => line.event === 'proxy.access' && String(line.uri).startsWith('/keep/')).map((line) => line.protocol)).toEqual(['HTTP/1.1', 'HTTP/1.1']);
  });

  it('rejects HTTP/1.1 without Host with 400', async () => {
    const text = await rawExchange('GET /cart HTTP/1.1\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('<center><h1>400 Bad Request</h1></center>');
    expect(text).toContain('<hr><center>nginx/1.30.6</center>');
  });

  it('redirects a location asked without its slash', async () => {
    const text = await rawExchange('GET /api?x=1 HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 301 Moved Permanently\r\n/);
    expect(text).toMatch(new RegExp(`\\r\\nLocation: http://shop\\.example\\.com:${port}/api/\\?x=1\\r\\n`, 'i'));
  });
});
