/**
 * @fastify/http-proxy as a benchmark peer: Fastify with HTTP/2 (h2c on one
 * port, TLS on another) passing each request round robin to the three
 * backends through @fastify/reply-from's pooled undici client, which keeps
 * every connection it opened alive (no idle limit).
 * Arguments: PLAIN_PORT TLS_PORT BACKEND_PORTS IDLE_CONNECTIONS (unused).
 */

import { readFileSync } from 'node:fs';

import fastifyHttpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const [plainPort, tlsPort, backendList] = process.argv.slice(2);
const upstreams = backendList!.split(',').map((port) => `http://127.0.0.1:${port}`);

async function start(port: number, tls: boolean): Promise<void> {
  const app = tls
    ? Fastify({ http2: true, https: { cert: readFileSync('fixtures/tls/test.crt'), key: readFileSync('fixtures/tls/test.key') }, logger: false })
    : Fastify({ http2: true, logger: false });
  await register(app as unknown as PluginHost);
  await app.listen({ port, host: '127.0.0.1' });
}

/** The part of a Fastify instance used here; the TLS and plain instances differ only in types. */
interface PluginHost {
  register(plugin: typeof fastifyHttpProxy, options: Parameters<typeof fastifyHttpProxy>[1]): PromiseLike<unknown>;
}

async function register(app: PluginHost): Promise<void> {
  let next = 0;
  await app.register(fastifyHttpProxy, {
    upstream: upstreams[0]!,
    replyOptions: { getUpstream: () => upstreams[next++ % upstreams.length]! },
  });
}

await start(Number(plainPort), false);
await start(Number(tlsPort), true);
process.stdout.write('ready\n');
