/**
 * Requests per second and latency of the reference proxy against nginx and
 * two Node proxies, measured with h2load over h2c and over TLS (ALPN h2).
 *
 *   npx tsx bench/proxy/run.ts [--rounds 3] [--requests 15000] [--clients 16] [--streams 32] [--baseline DIR]
 *
 * --baseline DIR adds the proxy of another checkout with a built dist/ (an
 * older commit, say) as "h2sticky proxy (baseline)", so that a change is
 * measured against its parent in the same interleaved rounds.
 *
 * Every server passes requests round robin to the same three loopback
 * backends (bench/proxy/backends.ts). Each keeps as many idle connections to
 * them as h2load has streams in flight (512 by default), so that no server
 * spends the run opening and closing backend connections. The servers are
 * h2sticky proxy as one
 * process (keepalive 512), nginx with worker_processes 1 (keepalive 512)
 * (the local binary, which is what the spec targets), http2-proxy and
 * @fastify/http-proxy. One unrecorded run per server and protocol comes
 * first. Runs are interleaved: every server and protocol once per round, and
 * each round starts with the next server. So load from other programs on the
 * machine, and the backends' work left over from the run before, spread over
 * all of them. Each h2load run sends --requests requests over --clients
 * connections, at most 1000 per connection: nginx (and the proxy, which
 * copies it) sends GOAWAY after keepalive_requests (1000) requests, and
 * h2load does not reconnect, so a longer run would measure idle clients.
 * A run that takes longer than two minutes is stopped. The script
 * prints medians and ratios as a Markdown table and writes the raw runs to
 * bench/proxy/results.json.
 */

import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { compileSpecText } from '../../src/compile.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { startNginx, type RunningNginx } from '../../src/nginx/runner/start.js';
import { freePort } from '../../test/helpers/loopback.js';
import { children, h2load, nginxVersionTarget, specText, startChild, stopChild } from './harness.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '15000' },
    clients: { type: 'string', default: '16' },
    streams: { type: 'string', default: '32' },
    baseline: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npx tsx bench/proxy/run.ts [options]

Measures requests per second and latency of h2sticky proxy, nginx (worker_processes 1), http2-proxy and
@fastify/http-proxy with h2load over h2c and TLS, in interleaved rounds, and prints medians and ratios.

Options:
  --rounds N      measured rounds, each running every server and protocol once (default 3)
  --requests N    requests per h2load run (default 15000; at most 1000 per client connection)
  --clients N     h2load client connections (default 16)
  --streams N     concurrent streams per connection (default 32)
  --baseline DIR  also measure the proxy of another checkout with a built dist/
  -h, --help      show this text

Needs h2load (Debian package nghttp2-client) and nginx on PATH. Raw runs go to bench/proxy/results.json.
`);
  process.exit(0);
}
for (const name of ['rounds', 'requests', 'clients', 'streams'] as const) {
  if (!/^[1-9][0-9]*$/.test(values[name])) {
    process.stderr.write(`invalid --${name} "${values[name]}": expected a positive whole number (see --help)\n`);
    process.exit(2);
  }
}
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const clients = Number(values.clients);
const streams = Number(values.streams);
/** Idle upstream connections each server keeps: the streams h2load keeps in flight. */
const idleConnections = clients * streams;
if (requests / clients > 1000) throw new Error(`--requests ${requests} over --clients ${clients} is more than 1000 per connection, past nginx's keepalive_requests`);

interface Server {
  name: string;
  plainPort: number;
  tlsPort: number;
  stop(): Promise<void>;
}

interface Run {
  server: string;
  protocol: 'h2c' | 'h2 (TLS)';
  round: number;
  requestsPerSecond: number;
  meanLatencyMs: number;
  failed: number;
}

/** Starts `h2sticky proxy` from a checkout whose dist/ is built: this one, or the --baseline one under another name. */
async function startH2sticky(backendPorts: number[], directory: string, checkout = '.', name = 'h2sticky proxy'): Promise<Server> {
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const spec = join(directory, `${name.replace(/\W+/g, '-')}.yaml`);
  writeFileSync(spec, specText(plainPort, tlsPort, backendPorts, idleConnections));
  const { child } = await startChild(process.execPath, [join(checkout, 'bin/h2sticky.js'), 'proxy', spec, '--log-level', 'warn']);
  return { name, plainPort, tlsPort, stop: () => stopChild(child) };
}

async function startNginxServer(backendPorts: number[]): Promise<{ server: Server; version: string }> {
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const compiled = compileSpecText(specText(plainPort, tlsPort, backendPorts, idleConnections), 'bench.yaml', { target: { nginxVersion: nginxVersionTarget } });
  if (!compiled.config) throw new Error(`the bench spec does not compile: ${JSON.stringify(compiled.problems)}`);
  const source = { kind: 'local' as const, bin: 'nginx' };
  const { version } = await readNginxBuildInfo(source);
  const config = compiled.config.replace(/^(\s*)access_log \/dev\/null \S+;$/m, '$1access_log off;');
  if (config === compiled.config) throw new Error('the rendered config has no access_log line to turn off');
  const running: RunningNginx = await startNginx({ source, config, layout: 'full', fileName: 'bench.conf', ports: [plainPort, tlsPort] });
  return { server: { name: `nginx ${version}`, plainPort, tlsPort, stop: () => running.stop() }, version };
}

async function startPeer(name: string, script: string, backendPorts: number[]): Promise<Server> {
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const { child } = await startChild(process.execPath, ['--import', 'tsx', script, String(plainPort), String(tlsPort), backendPorts.join(','), String(idleConnections)]);
  return { name, plainPort, tlsPort, stop: () => stopChild(child) };
}

function urlOf(server: Server, protocol: Run['protocol']): string {
  return protocol === 'h2c' ? `http://127.0.0.1:${server.plainPort}/` : `https://127.0.0.1:${server.tlsPort}/`;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const directory = mkdtempSync(join(tmpdir(), 'h2sticky-bench-'));
  const backends = await startChild(process.execPath, ['--import', 'tsx', 'bench/proxy/backends.ts']);
  const backendPorts = backends.line.slice('ready '.length).split(',').map(Number);

  const nginx = await startNginxServer(backendPorts);
  const servers: Server[] = [
    await startH2sticky(backendPorts, directory),
    ...(values.baseline === undefined ? [] : [await startH2sticky(backendPorts, directory, values.baseline, 'h2sticky proxy (baseline)')]),
    nginx.server,
    await startPeer('http2-proxy', 'bench/proxy/peer-http2-proxy.ts', backendPorts),
    await startPeer('@fastify/http-proxy', 'bench/proxy/peer-fastify.ts', backendPorts),
  ];

  const runs: Run[] = [];
  try {
    // One unrecorded run per server and protocol opens the backend connections and warms up the JIT.
    for (const server of servers) {
      for (const protocol of ['h2c', 'h2 (TLS)'] as const) h2load(urlOf(server, protocol), { requests, clients, streams });
    }
    for (let round = 1; round <= rounds; round++) {
      // Each round starts with the next server, so that no server is always measured right after the same one.
      const order = servers.map((_, index) => servers[(index + round - 1) % servers.length]!);
      for (const server of order) {
        for (const protocol of ['h2c', 'h2 (TLS)'] as const) {
          const result = h2load(urlOf(server, protocol), { requests, clients, streams });
          runs.push({ server: server.name, protocol, round, ...result });
          process.stderr.write(`round ${round} ${server.name} ${protocol}: ${result.requestsPerSecond.toFixed(0)} req/s, mean ${result.meanLatencyMs.toFixed(2)} ms, ${result.failed} failed\n`);
        }
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    await stopChild(backends.child);
  }

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    nginx: nginx.version,
    h2load: execFileSync('h2load', ['--version'], { encoding: 'utf8' }).trim(),
  };
  writeFileSync('bench/proxy/results.json', `${JSON.stringify({ machine, settings: { rounds, requests, clients, streams }, runs }, null, 2)}\n`);

  const medianOf = (server: string, protocol: string, field: 'requestsPerSecond' | 'meanLatencyMs') =>
    median(runs.filter((run) => run.server === server && run.protocol === protocol).map((run) => run[field]));
  let table = '| server | protocol | median req/s | median of mean latency (ms) | h2sticky ÷ server (req/s) |\n|---|---|---|---|---|\n';
  for (const protocol of ['h2c', 'h2 (TLS)']) {
    const ours = medianOf('h2sticky proxy', protocol, 'requestsPerSecond');
    for (const server of servers) {
      const rate = medianOf(server.name, protocol, 'requestsPerSecond');
      table += `| ${server.name} | ${protocol} | ${rate.toFixed(0)} | ${medianOf(server.name, protocol, 'meanLatencyMs').toFixed(2)} | ${(ours / rate).toFixed(2)} |\n`;
    }
  }
  process.stdout.write(`${JSON.stringify(machine)}\n\n${table}`);
}

try {
  await main();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
