/**
 * `h2sticky proxy` with IPv6 addresses: listeners written `[::1]`, as the
 * spec requires and nginx accepts in `listen [::1]:PORT`, and backends
 * written `[::1]:PORT`, which the access log shows in nginx's
 * $upstream_addr form.
 *
 * These run the built CLI through bin/h2sticky.js, as a user runs it, so
 * `npm run build` must have run after the last change to src/ (npm test
 * builds first).
 */

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { Backend, stopBackends } from '../../src/diff/backend.js';
import { closeSession, openSession, request } from '../helpers/h2.js';
import { freePort } from '../helpers/loopback.js';
import { startBin, type Started } from '../helpers/proxy-process.js';

const directory = mkdtempSync(join(tmpdir(), 'h2sticky-proxy-ipv6-'));
const ipv6Backend = new Backend({ id: 'six', host: '::1' });
const ipv4Backend = new Backend({ id: 'four' });
const children: ChildProcess[] = [];
const blockers: Server[] = [];

interface Listener {
  address: string;
  port: number;
  tls?: boolean;
}

/** Writes a spec with the listeners and one upstream of the backend addresses; returns its path. */
function writeSpec(name: string, listeners: Listener[], backendAddresses: string[]): string {
  const text = stringify({
    h2sticky: 1,
    target: { nginx: '1.30.6' },
    upstreams: { app: { servers: backendAddresses.map((address) => ({ address })) } },
    servers: [
      {
        server_names: ['shop.example.com'],
        listen: listeners.map((listener) => ({ address: listener.address, port: listener.port, tls: listener.tls ?? false, http2: true })),
        tls: { certificate: resolve('fixtures/tls/test.crt'), key: resolve('fixtures/tls/test.key') },
        locations: [{ path: '/', upstream: 'app' }],
      },
    ],
  });
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

function accessLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === 'proxy.access');
}

/** Waits until the proxy has logged `count` access lines, at most 5 s, and returns them. */
async function waitForAccessLines(proxy: Started, count: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 5_000;
  while (accessLines(proxy.stdout()).length < count && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
  return accessLines(proxy.stdout());
}

/** Returns the backend id from the JSON body a Backend sends. */
function backendOf(body: string): string {
  return (JSON.parse(body) as { backend: string }).backend;
}

/** Returns a port that is free on both 127.0.0.1 and ::1 a moment ago. */
async function freeDualPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    const server = createServer();
    const free = await new Promise<boolean>((resolveFree) => {
      server.once('error', () => resolveFree(false));
      server.listen(port, '::1', () => resolveFree(true));
    });
    if (free) {
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      return port;
    }
  }
  throw new Error('found no port free on both 127.0.0.1 and ::1 in 20 attempts');
}

beforeAll(async () => {
  await Promise.all([ipv6Backend.start(), ipv4Backend.start()]);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  await stopBackends([ipv6Backend, ipv4Backend]);
  await Promise.all(blockers.map((server) => new Promise((resolveClose) => server.close(resolveClose))));
  rmSync(directory, { recursive: true, force: true });
});

describe('proxy on IPv6', () => {
  it('names an IPv6 backend in brackets', () => {
    expect(ipv6Backend.address).toBe(`[::1]:${ipv6Backend.port}`);
    expect(ipv4Backend.address).toBe(`127.0.0.1:${ipv4Backend.port}`);
  });

  it('serves TLS h2 and h2c on [::1]', async () => {
    const tlsPort = await freeDualPort();
    const plainPort = await freeDualPort();
    const spec = writeSpec('listeners.yaml', [{ address: '[::1]', port: tlsPort, tls: true }, { address: '[::1]', port: plainPort }], [ipv4Backend.address]);
    const proxy = await startBin(['proxy', spec], children);
    expect(proxy.stderr()).toContain(`https://[::1]:${tlsPort} (h2, http/1.1)`);
    expect(proxy.stderr()).toContain(`http://[::1]:${plainPort} (h2c, http/1.1)`);

    const tlsSession = await openSession(`https://[::1]:${tlsPort}`);
    const overTls = await request(tlsSession, '/tls');
    await closeSession(tlsSession);
    expect(overTls.status).toBe(200);
    expect(backendOf(overTls.body)).toBe('four');

    const plainSession = await openSession(`http://[::1]:${plainPort}`);
    const overH2c = await request(plainSession, '/h2c');
    await closeSession(plainSession);
    expect(overH2c.status).toBe(200);
    expect(backendOf(overH2c.body)).toBe('four');

    const lines = await waitForAccessLines(proxy, 2);
    expect(lines.map((line) => line.remoteAddr)).toEqual(['::1', '::1']);
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
  });

  it('forwards to a [::1] backend', async () => {
    const port = await freePort();
    const spec = writeSpec('backend.yaml', [{ address: '127.0.0.1', port }], [ipv6Backend.address]);
    const proxy = await startBin(['proxy', spec], children);
    expect(proxy.stderr()).toContain(`http://127.0.0.1:${port} (h2c, http/1.1)`);

    ipv6Backend.takeRequests();
    const session = await openSession(`http://127.0.0.1:${port}`);
    const response = await request(session, '/six');
    await closeSession(session);
    expect(response.status).toBe(200);
    expect(backendOf(response.body)).toBe('six');
    expect(ipv6Backend.takeRequests().map((received) => received.remoteAddress)).toEqual(['::1']);

    // nginx writes an IPv6 peer in $upstream_addr as [address]:port.
    const lines = await waitForAccessLines(proxy, 1);
    expect(lines[0]!.upstreamAddr).toBe(`[::1]:${ipv6Backend.port}`);
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
  });

  it('reports a [::1] port in use', async () => {
    const port = await freeDualPort();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolveListen) => blocker.listen(port, '::1', resolveListen));

    const spec = writeSpec('in-use.yaml', [{ address: '[::1]', port }], [ipv4Backend.address]);
    const proxy = await startBin(['proxy', spec], children);
    expect(await proxy.exited).toBe(3);
    expect(proxy.stderr()).toContain(`cannot listen on [::1]:${port}: EADDRINUSE`);
    expect(proxy.stderr()).toContain(`stop the program that uses port ${port}`);
  });

  it('explains an address of another machine', async () => {
    const port = await freePort();
    // 192.0.2.1 is reserved for documentation (RFC 5737), so this machine should not have it.
    const spec = writeSpec('foreign.yaml', [{ address: '192.0.2.1', port }], [ipv4Backend.address]);
    const proxy = await startBin(['proxy', spec], children);
    expect(await proxy.exited).toBe(3);
    expect(proxy.stderr()).toContain(`cannot listen on 192.0.2.1:${port}: EADDRNOTAVAIL`);
    expect(proxy.stderr()).toContain('192.0.2.1:' + String(port) + ' is not an address of this machine');
  });
});
