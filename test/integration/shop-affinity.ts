/**
 * The shop's affinity checks, shared by every server under test: real nginx
 * of each version, and the reference proxy. Each suite starts its own
 * loopback backends, builds the shop spec against them, starts the server
 * and drives it with a real HTTP/2 client.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { ClientHttp2Session } from 'node:http2';
import { afterAll, beforeAll, expect, it, type TestContext } from 'vitest';
import { parse, stringify } from 'yaml';

import { Backend, stopBackends, type BackendResponseBody } from '../../src/diff/backend.js';
import { freePort } from '../helpers/loopback.js';
import { closeSession, cookieValue, openSession, request, setCookies, type H2Response } from '../helpers/h2.js';

export interface ShopEnvironment {
  appBackends: Backend[];
  apiBackends: Backend[];
  tlsPort: number;
  plainPort: number;
  /** shop.yaml with the backends, ports and test certificate filled in. */
  specText: string;
  /** Absolute directory of the test certificate, for mounting into containers. */
  certificateDirectory: string;
}

export interface ShopServer {
  stop(): Promise<void>;
}

/** Starts the shop's five loopback backends and writes its spec against them. */
export async function prepareShop(): Promise<ShopEnvironment> {
  const appBackends = ['app1', 'app2', 'app3'].map((id) => new Backend({ id }));
  const apiBackends = ['api1', 'api2'].map((id) => new Backend({ id }));
  await Promise.all([...appBackends, ...apiBackends].map((backend) => backend.start()));
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const certificateDirectory = resolve('fixtures/tls');

  const spec = parse(readFileSync('fixtures/specs/shop.yaml', 'utf8')) as {
    upstreams: Record<string, { servers: { address: string }[] }>;
    servers: { listen: { port: number }[]; tls: { certificate: string; key: string } }[];
  };
  spec.upstreams.app!.servers = appBackends.map((backend) => ({ address: backend.address }));
  spec.upstreams.api!.servers = apiBackends.map((backend) => ({ address: backend.address }));
  const server = spec.servers[0]!;
  server.listen[0]!.port = tlsPort;
  server.listen[1]!.port = plainPort;
  server.tls.certificate = `${certificateDirectory}/test.crt`;
  server.tls.key = `${certificateDirectory}/test.key`;

  return { appBackends, apiBackends, tlsPort, plainPort, specText: stringify(spec), certificateDirectory };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function backendOf(response: H2Response): BackendResponseBody {
  return JSON.parse(response.body) as BackendResponseBody;
}

/**
 * Registers the shop affinity tests in the enclosing describe block. `start`
 * returns undefined after skipping the test context when the server under
 * test cannot run here.
 */
export function shopAffinitySuite(start: (environment: ShopEnvironment, context: TestContext) => Promise<ShopServer | undefined>): void {
  let environment: ShopEnvironment | undefined;
  let server: ShopServer | undefined;
  const sessions: ClientHttp2Session[] = [];
  let boundBackend: Backend | undefined;
  let cookie: string | undefined;

  const tls = () => `https://127.0.0.1:${environment!.tlsPort}`;
  const plain = () => `http://127.0.0.1:${environment!.plainPort}`;
  const open = async (url: string) => {
    const session = await openSession(url);
    sessions.push(session);
    return session;
  };
  const requireServer = (context: TestContext) => {
    if (!server) context.skip('the server under test did not start');
  };

  beforeAll(async () => {
    environment = await prepareShop();
  });

  afterAll(async () => {
    await Promise.all(sessions.map(closeSession));
    await server?.stop();
    if (environment) await stopBackends([...environment.appBackends, ...environment.apiBackends]);
  });

  it('starts with the generated config', async (context) => {
    server = await start(environment!, context);
    expect(server).toBeDefined();
  });

  it('negotiates h2 through ALPN on the TLS port', async (context) => {
    requireServer(context);
    const session = await open(tls());
    expect(session.alpnProtocol).toBe('h2');
    expect(session.encrypted).toBe(true);
  });

  it('speaks h2c with prior knowledge on the plain port', async (context) => {
    requireServer(context);
    const session = await open(plain());
    expect(session.encrypted).toBe(false);
    const response = await request(session, '/');
    expect(response.status).toBe(200);
    expect(environment!.appBackends.map((backend) => backend.id)).toContain(backendOf(response).backend);
  });

  it('sets a cookie naming the backend on the first response', async (context) => {
    requireServer(context);
    const session = await open(tls());
    const response = await request(session, '/');
    expect(response.status).toBe(200);

    const served = environment!.appBackends.find((backend) => backend.id === backendOf(response).backend);
    expect(served).toBeDefined();
    const value = cookieValue(response, 'srv_id');
    expect(value).toBe(md5(served!.address));

    const header = setCookies(response).find((entry) => entry.startsWith('srv_id='))!;
    const attributes = header.split('; ').slice(1);
    expect(attributes).toContain('max-age=3600');
    expect(attributes.slice(-4)).toEqual(['httponly', 'secure', 'samesite=lax', 'path=/']);

    boundBackend = served;
    cookie = `srv_id=${value}`;
  });

  it('keeps multiplexed streams with the cookie on that backend', async (context) => {
    requireServer(context);
    const session = await open(tls());
    const responses = await Promise.all(Array.from({ length: 8 }, (_, index) => request(session, `/item/${index}`, { cookie: cookie! })));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(backendOf(response).backend).toBe(boundBackend!.id);
      expect(cookieValue(response, 'srv_id')).toBe(md5(boundBackend!.address));
    }
  });

  it('keeps a new connection with the cookie on that backend', async (context) => {
    requireServer(context);
    for (const url of [tls(), plain()]) {
      const session = await open(url);
      const response = await request(session, '/again', { cookie: cookie! });
      expect(response.status).toBe(200);
      expect(backendOf(response).backend).toBe(boundBackend!.id);
    }
  });

  it('sends /api/ to the api upstream without the app cookie', async (context) => {
    requireServer(context);
    const session = await open(tls());
    const response = await request(session, '/api/orders', { cookie: cookie! });
    expect(response.status).toBe(200);
    expect(['api1', 'api2']).toContain(backendOf(response).backend);
    expect(cookieValue(response, 'srv_id')).toBeUndefined();
  });

  it('moves the client to another backend when its backend stops', async (context) => {
    requireServer(context);
    await boundBackend!.stop();

    const session = await open(tls());
    const moved = await request(session, '/after-failure', { cookie: cookie! });
    expect(moved.status).toBe(200);
    const replacement = environment!.appBackends.find((backend) => backend.id === backendOf(moved).backend)!;
    expect(replacement).toBeDefined();
    expect(replacement.id).not.toBe(boundBackend!.id);
    expect(cookieValue(moved, 'srv_id')).toBe(md5(replacement.address));

    const next = await request(session, '/still-there', { cookie: `srv_id=${md5(replacement.address)}` });
    expect(backendOf(next).backend).toBe(replacement.id);
  });
}
