/**
 * `h2sticky proxy` as a user runs it: a child process with real signals.
 * SIGTERM lets an in-flight request finish before the process exits, and
 * SIGHUP reloads the spec without dropping an open HTTP/2 connection and
 * keeps the sessions of an unchanged learn zone.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';

import { Backend, stopBackends } from '../../src/diff/backend.js';
import { runCli } from '../helpers/cli.js';
import { closeSession, openSession, request } from '../helpers/h2.js';
import { freePort, http1Get } from '../helpers/loopback.js';

const directory = mkdtempSync(join(tmpdir(), 'h2sticky-proxy-cli-'));
const backends = [new Backend({ id: 'one' }), new Backend({ id: 'two' })];
const children: ChildProcess[] = [];
const sessionBackends: Server[] = [];

/**
 * Starts a backend that names itself in its body and, for /login?sid=ID,
 * sets the session cookie `sid=ID`, from which sticky learn creates a session.
 */
async function startSessionBackend(name: string): Promise<string> {
  const server = createServer((request, response) => {
    const sid = new URL(request.url ?? '/', 'http://backend').searchParams.get('sid');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sid !== null) headers['set-cookie'] = `sid=${sid}; path=/`;
    response.writeHead(200, headers);
    response.end(JSON.stringify({ backend: name }));
  });
  sessionBackends.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Returns a spec with sticky learn over two backends. A reload keeps its sessions only while the zone size stays the same. */
function learnSpecFor(port: number, addresses: string[], zoneSize: string): string {
  return stringify({
    h2sticky: 1,
    target: { nginx: '1.30.6' },
    upstreams: {
      app: {
        servers: addresses.map((address) => ({ address })),
        affinity: { mode: 'learn', create: ['$upstream_cookie_sid'], lookup: ['$cookie_sid'], zone_size: zoneSize },
      },
    },
    servers: [{ server_names: ['shop.example.com'], listen: [{ address: '127.0.0.1', port, http2: true }], locations: [{ path: '/', upstream: 'app' }] }],
  });
}

/** Sends SIGHUP and waits until the proxy has logged as many reloads as `count`. */
async function reload(proxy: Started, count: number): Promise<void> {
  proxy.child.kill('SIGHUP');
  const deadline = Date.now() + 10_000;
  while (events(proxy.stdout()).filter((event) => event === 'proxy.reload').length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(events(proxy.stdout()).filter((event) => event === 'proxy.reload')).toHaveLength(count);
}

/** Sends one request on a new connection and returns the name of the backend that sent the response. */
async function backendFor(port: number, path: string, cookie?: string): Promise<string> {
  const session = await openSession(`http://127.0.0.1:${port}`);
  const response = await request(session, path, cookie === undefined ? {} : { cookie });
  await closeSession(session);
  expect(response.status).toBe(200);
  return (JSON.parse(response.body) as { backend: string }).backend;
}

function specFor(port: number, backend: Backend): string {
  return stringify({
    h2sticky: 1,
    target: { nginx: '1.30.6' },
    upstreams: { app: { servers: [{ address: backend.address }] } },
    servers: [{ server_names: ['shop.example.com'], listen: [{ address: '127.0.0.1', port, http2: true }], locations: [{ path: '/', upstream: 'app' }] }],
  });
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `h2sticky proxy` and waits until it prints where it listens. */
async function startCli(spec: string, options: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'proxy', spec, ...options], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 30_000;
  while (!stderr.includes('listening on')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the proxy did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function events(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { event: string }).event);
}

beforeAll(async () => {
  await Promise.all(backends.map((backend) => backend.start()));
});

afterEach(() => {
  for (const backend of backends) backend.fault = { kind: 'none' };
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  await stopBackends(backends);
  await Promise.all(sessionBackends.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(directory, { recursive: true, force: true });
});

describe('h2sticky proxy command', () => {
  it('explains every option in --help', async () => {
    // yargs prints help through console.log.
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((text: unknown) => void printed.push(String(text)));
    const run = await runCli(['proxy', '--help']);
    spy.mockRestore();
    expect(run.code).toBe(0);
    const help = printed.join('\n') + run.stdout;
    for (const option of ['--nginx-version', '--edition', '--log-level', '--drain-timeout', '--require-tls-files']) expect(help).toContain(option);
  });

  it('rejects an invalid spec with exit code 2', async () => {
    const spec = join(directory, 'invalid.yaml');
    writeFileSync(spec, 'h2sticky: 1\nupstreams: {}\n');
    const run = await runCli(['proxy', spec]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the proxy did not start');
  });

  it('finishes an in-flight request on SIGTERM', async () => {
    const port = await freePort();
    const spec = join(directory, 'drain.yaml');
    writeFileSync(spec, specFor(port, backends[0]!));
    const proxy = await startCli(spec);
    expect(proxy.stderr()).toContain(`http://127.0.0.1:${port} (h2c, http/1.1)`);

    const session = await openSession(`http://127.0.0.1:${port}`);
    backends[0]!.fault = { kind: 'delay', ms: 1_000 };
    const inFlight = request(session, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await proxy.exited).toBe(0);
    expect(events(proxy.stdout())).toEqual(expect.arrayContaining(['proxy.listening', 'proxy.access', 'proxy.draining', 'proxy.stopped']));
    await closeSession(session);
  });

  it('exits after the drain timeout with a hanging backend', async () => {
    const port = await freePort();
    const spec = join(directory, 'hang.yaml');
    writeFileSync(spec, specFor(port, backends[0]!));
    const proxy = await startCli(spec, ['--drain-timeout', '1']);

    backends[0]!.fault = { kind: 'hang' };
    backends[0]!.takeRequests();
    const session = await openSession(`http://127.0.0.1:${port}`);
    // A stream that ends without a response header has status 0 in the HTTP/2 helper.
    const describeOutcome = (response: { status: number }) => (response.status === 0 ? 'no response' : `status ${response.status}`);
    const http2Request = request(session, '/hang/h2').then(describeOutcome, () => 'no response');
    const http1Request = http1Get(port, '/hang/h1').then(describeOutcome, () => 'no response');
    for (let wait = 0; wait < 100 && backends[0]!.requests.length < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(backends[0]!.requests.map((received) => received.path).sort()).toEqual(['/hang/h1', '/hang/h2']);

    proxy.child.kill('SIGTERM');
    // The backend never responds, so only the drain timeout can end the process. 15 s is far beyond 1 s plus the margin.
    let killed = false;
    const limit = setTimeout(() => {
      killed = true;
      proxy.child.kill('SIGKILL');
    }, 15_000);
    const code = await proxy.exited;
    clearTimeout(limit);

    expect(killed).toBe(false);
    expect(code).toBe(0);
    expect(await http2Request).toBe('no response');
    expect(await http1Request).toBe('no response');
    const logged = events(proxy.stdout());
    expect(logged).toContain('proxy.drain_timeout');
    expect(logged.at(-1)).toBe('proxy.stopped');
    const upstreamErrors = proxy
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"proxy.upstream_error"'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(upstreamErrors.length).toBeGreaterThan(0);
    expect(upstreamErrors.every((message) => message === 'upstream connection closed by the proxy when the drain timeout ended')).toBe(true);
    await closeSession(session);
  });

  it('reloads the spec on SIGHUP without dropping a connection', async () => {
    const port = await freePort();
    const spec = join(directory, 'reload.yaml');
    writeFileSync(spec, specFor(port, backends[0]!));
    const proxy = await startCli(spec);

    const session = await openSession(`http://127.0.0.1:${port}`);
    expect(JSON.parse((await request(session, '/before')).body).backend).toBe('one');
    backends[0]!.fault = { kind: 'delay', ms: 1_000 };
    backends[0]!.takeRequests();
    const inFlight = request(session, '/during');
    // The request must have reached the backend before the reload, or the reload's GOAWAY may refuse it.
    for (let wait = 0; wait < 100 && backends[0]!.requests.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20));

    writeFileSync(spec, specFor(port, backends[1]!));
    proxy.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!events(proxy.stdout()).includes('proxy.reload') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events(proxy.stdout())).toContain('proxy.reload');

    const during = await inFlight;
    expect(during.status).toBe(200);
    expect(JSON.parse(during.body).backend).toBe('one');

    const fresh = await openSession(`http://127.0.0.1:${port}`);
    expect(JSON.parse((await request(fresh, '/after')).body).backend).toBe('two');
    await Promise.all([closeSession(session), closeSession(fresh)]);

    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
  });

  it('keeps learned sessions across SIGHUP unless the zone changes', async () => {
    const port = await freePort();
    const addresses = [await startSessionBackend('first'), await startSessionBackend('second')];
    const spec = join(directory, 'learn.yaml');
    writeFileSync(spec, learnSpecFor(port, addresses, '1m'));
    const proxy = await startCli(spec);

    // Round robin sends the second request to the second backend, which creates session s2 there.
    expect(await backendFor(port, '/warm-up')).toBe('first');
    expect(await backendFor(port, '/login?sid=s2')).toBe('second');
    expect(await backendFor(port, '/cart', 'sid=s2')).toBe('second');

    // The same zone after a reload: fresh round robin would pick the first backend, the session still picks the second.
    await reload(proxy, 1);
    expect(await backendFor(port, '/cart', 'sid=s2')).toBe('second');
    expect(await backendFor(port, '/cart', 'sid=s2')).toBe('second');

    // Another zone size is another zone, as in nginx, so the session is gone and round robin starts again.
    writeFileSync(spec, learnSpecFor(port, addresses, '2m'));
    await reload(proxy, 2);
    expect(await backendFor(port, '/cart', 'sid=s2')).toBe('first');

    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
  });
});
