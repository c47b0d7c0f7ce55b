/**
 * Pieces the proxy benchmark (run.ts) and the profiling script (profile.ts)
 * share: child processes that print when they are ready, the spec both
 * serve, and one h2load run.
 */

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

import { stringify } from 'yaml';

/** The nginx version the bench spec targets: the local binary (Debian 12). */
export const nginxVersionTarget = '1.22.1';

/** The h2load load: requests per run, connections and streams in flight per connection. */
export interface Load {
  requests: number;
  clients: number;
  streams: number;
}

/** Every child started, so that a failed run can end them. */
export const children: ChildProcess[] = [];

/** Starts a child process and waits until it prints a line starting with "ready". */
export function startChild(command: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not become ready within 30 s`)), 30_000);
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('ready') || candidate.includes('listening on'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolvePromise({ child, line });
      }
    };
    // h2sticky prints where it listens on standard error; the other children print "ready" on standard output.
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      check(chunk);
    });
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`${command} exited with code ${code} before it was ready`)));
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
  });
}

/** Returns the bench spec: h2c and TLS listeners, round robin with cookie affinity over the backends, and `idleConnections` kept per upstream. */
export function specText(plainPort: number, tlsPort: number, backendPorts: number[], idleConnections: number): string {
  const certificates = resolve('fixtures/tls');
  return stringify({
    h2sticky: 1,
    target: { nginx: nginxVersionTarget },
    runtime: { worker_processes: 1 },
    // NOTE: the spec schema rejects `access_log: off` (it matches both branches of a oneOf), so the bench writes /dev/null and turns the log off in the rendered config.
    logging: { access_log: '/dev/null' },
    upstreams: {
      app: {
        servers: backendPorts.map((port) => ({ address: `127.0.0.1:${port}` })),
        affinity: { mode: 'cookie', name: 'srv_id' },
        keepalive: { connections: idleConnections },
      },
    },
    servers: [
      {
        server_names: ['bench.local'],
        listen: [
          { address: '127.0.0.1', port: plainPort, http2: true, h2c_only: true },
          { address: '127.0.0.1', port: tlsPort, tls: true, http2: true },
        ],
        tls: { certificate: `${certificates}/test.crt`, key: `${certificates}/test.key` },
        locations: [{ path: '/', upstream: 'app' }],
      },
    ],
  });
}

/** Runs h2load once against a URL; a run that takes longer than two minutes is stopped. */
export function h2load(url: string, { requests, clients, streams }: Load): { requestsPerSecond: number; meanLatencyMs: number; failed: number } {
  const output = execFileSync('h2load', ['-n', String(requests), '-c', String(clients), '-m', String(streams), '-t', '1', url], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const rate = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(output);
  const counts = /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed/.exec(output);
  const latency = /time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)/.exec(output);
  if (!rate || !counts || !latency) throw new Error(`cannot read h2load output:\n${output}`);
  const unit = { us: 0.001, ms: 1, s: 1000 } as const;
  return { requestsPerSecond: Number(rate[1]), meanLatencyMs: Number(latency[5]) * unit[latency[6] as keyof typeof unit], failed: Number(counts[1]) };
}
