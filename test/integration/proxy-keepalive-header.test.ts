/**
 * The Connection and Keep-Alive headers of responses to HTTP/1.x clients.
 * With its default `keepalive_timeout 75s` nginx sends `Connection:
 * keep-alive` or `Connection: close` and no Keep-Alive header, which it
 * sends only when keepalive_timeout has a second parameter
 * (ngx_http_header_filter_module.c). The proxy must send the same, although
 * node's HTTP server would add `Keep-Alive: timeout=75` on its own.
 */

import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { compileSpecText } from '../../src/compile.js';
import { Backend, stopBackends } from '../../src/diff/backend.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { startNginx } from '../../src/nginx/runner/start.js';
import { findLocalNginx, useOrSkip, type Availability } from '../helpers/environment.js';
import { freePort } from '../helpers/loopback.js';
import { startProxy, type RunningProxy } from '../helpers/proxy.js';
import type { LocalNginxSource } from '../../src/nginx/runner/source.js';

const backend = new Backend({ id: 'one' });
let localNginx: Availability<LocalNginxSource>;

function specFor(port: number): string {
  return stringify({
    h2sticky: 1,
    upstreams: { app: { servers: [{ address: backend.address }] } },
    servers: [{ server_names: ['shop.example.com'], listen: [{ address: '127.0.0.1', port }], locations: [{ path: '/app/', upstream: 'app' }] }],
  });
}

/** Requests with the Connection header nginx sends in response to each. /missing gets the server's own 404 page. */
const cases = [
  { name: 'HTTP/1.1', request: 'GET /app/one HTTP/1.1\r\nHost: shop.example.com\r\n\r\n', connection: 'keep-alive' },
  { name: 'HTTP/1.1 with Connection: close', request: 'GET /app/two HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n', connection: 'close' },
  { name: 'HTTP/1.0 with Connection: keep-alive', request: 'GET /app/three HTTP/1.0\r\nHost: shop.example.com\r\nConnection: keep-alive\r\n\r\n', connection: 'keep-alive' },
  { name: 'HTTP/1.0', request: 'GET /app/four HTTP/1.0\r\nHost: shop.example.com\r\n\r\n', connection: 'close' },
  { name: 'HTTP/1.1 404 page', request: 'GET /missing HTTP/1.1\r\nHost: shop.example.com\r\n\r\n', connection: 'keep-alive' },
];

/** Sends a raw request and returns the response header fields with lowercase names, read within 5 s. */
function responseHeaders(port: number, text: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response header from port ${port} within 5 s: ${JSON.stringify(received)}`));
    }, 5_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      clearTimeout(timer);
      socket.destroy();
      const fields = new Map<string, string>();
      for (const line of received.slice(0, end).split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      resolve(fields);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

beforeAll(async () => {
  await backend.start();
  localNginx = await findLocalNginx();
});

afterAll(async () => {
  await stopBackends([backend]);
});

describe('proxy HTTP/1 keep-alive headers', () => {
  let proxy: RunningProxy;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    proxy = await startProxy(specFor(port), '1.22.1');
  });

  afterAll(async () => {
    await proxy?.stop();
  });

  for (const testCase of cases) {
    it(`sends no Keep-Alive for ${testCase.name}`, async () => {
      const headers = await responseHeaders(port, testCase.request);
      expect(headers.get('connection')).toBe(testCase.connection);
      expect(headers.has('keep-alive')).toBe(false);
    });
  }
});

describe('keep-alive headers against nginx', () => {
  for (const testCase of cases) {
    it(`matches nginx for ${testCase.name}`, async (context) => {
      const source = useOrSkip(context, localNginx);
      const { version } = await readNginxBuildInfo(source);
      const nginxPort = await freePort();
      const proxyPort = await freePort();
      const compiled = compileSpecText(specFor(nginxPort), 'spec.yaml', { target: { nginxVersion: version } });
      expect(compiled.problems.filter((problem) => problem.severity === 'error')).toEqual([]);

      const nginx = await startNginx({ source, config: compiled.config!, layout: 'full', fileName: 'nginx.conf', ports: [nginxPort] });
      const proxy = await startProxy(specFor(proxyPort), version);
      try {
        const fromNginx = await responseHeaders(nginxPort, testCase.request);
        const fromProxy = await responseHeaders(proxyPort, testCase.request);
        expect(fromNginx.get('connection')).toBe(testCase.connection);
        expect(fromProxy.get('connection')).toBe(fromNginx.get('connection'));
        expect(fromNginx.has('keep-alive')).toBe(false);
        expect(fromProxy.has('keep-alive')).toBe(false);
      } finally {
        await proxy.stop();
        await nginx.stop();
      }
    });
  }
});
